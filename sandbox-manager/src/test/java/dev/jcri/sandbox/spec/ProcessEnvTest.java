package dev.jcri.sandbox.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class ProcessEnvTest {
    private static Api.KeyValue kv(String k, String v) {
        return Api.KeyValue.newBuilder().setKey(k).setValue(ByteString.copyFromUtf8(v)).build();
    }

    @Test
    void defaultPathAndHostname() throws Exception {
        assertEquals(List.of("PATH=" + ProcessEnv.DEFAULT_PATH, "HOSTNAME=web-0"), ProcessEnv.of("web-0", List.of(), List.of()));
    }

    @Test
    void requestWinsPerKeyAndOrderOfFirstAppearanceIsKept() throws Exception {
        List<String> env = ProcessEnv.of("h", List.of("PATH=/img/bin", "A=1", "B=2", "EMPTY"),
                List.of(kv("B", "req"), kv("C", "x=y"), kv("HOSTNAME", "override")));
        assertEquals(List.of("PATH=/img/bin", "HOSTNAME=override", "A=1", "B=req", "EMPTY=", "C=x=y"), env);
    }
}
