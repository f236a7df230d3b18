package dev.jcri.sandbox.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

/**
 * A record's config is parsed once per stored array (what List and Status calls share), a new
 * array is parsed anew even with equal bytes (a changed record never sees a stale config), and
 * bad bytes are still an error.
 */
class ParsedConfigsTest {

    private final ParsedConfigs<Api.ContainerConfig> configs = new ParsedConfigs<>(Api.ContainerConfig.parser());

    private static byte[] config(String name) {
        return Api.ContainerConfig.newBuilder().setMetadata(Api.ContainerMetadata.newBuilder().setName(name))
                .putLabels("app", name).build().toByteArray();
    }

    @Test
    void oneParsePerArray() throws Exception {
        byte[] bytes = config("a");
        Api.ContainerConfig first = configs.of(bytes);
        assertSame(first, configs.of(bytes), "the same array: the message already parsed");
        assertEquals("a", first.getMetadata().getName());

        byte[] copy = bytes.clone();
        Api.ContainerConfig other = configs.of(copy);
        assertNotSame(first, other, "another array is another record's: parsed on its own");
        assertEquals(first, other);
        assertEquals("b", configs.of(config("b")).getLabelsOrThrow("app"));
    }

    @Test
    void unreadableBytesFail() {
        assertThrows(InvalidProtocolBufferException.class, () -> configs.of(new byte[] {(byte) 0xff, (byte) 0xff}));
    }

    @Test
    void entriesGoWithTheirArrays() throws Exception {
        for (int i = 0; i < 1000; i++) {
            configs.of(config("c" + i));
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (configs.size() > 100 && System.nanoTime() < deadline) {
            System.gc(); // the arrays are unreachable: their weak entries are cleared
            byte[] pressure = new byte[1 << 20];
            pressure[0] = 1;
        }
        assertEquals(true, configs.size() <= 100, "entries of dropped arrays must go; left: " + configs.size());
    }
}
