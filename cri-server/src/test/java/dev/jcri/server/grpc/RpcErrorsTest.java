package dev.jcri.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.errors.JcriException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** The one translation of jcri's error kinds to gRPC, and descriptions a client can still read. */
class RpcErrorsTest {

    @Test
    void everyKindHasItsCodeAndTheMessageTravels() {
        for (JcriException.Kind kind : JcriException.Kind.values()) {
            Status s = RpcErrors.toStatus("M", new JcriException(kind, "why"));
            assertEquals(kind.name(), s.getCode().name());
            assertEquals("why", s.getDescription());
        }
        Status field = RpcErrors.toStatus("M", JcriException.invalidArgument("config.metadata.name", "is empty"));
        assertEquals("config.metadata.name: is empty", field.getDescription());
    }

    @Test
    void aDomainErrorInsideAWrapperKeepsItsKind() {
        Exception wrapped = new java.util.concurrent.ExecutionException(JcriException.notFound("container", "abc"));
        assertEquals(Status.Code.NOT_FOUND, RpcErrors.toStatus("M", wrapped).getCode());
        assertEquals(Status.Code.INTERNAL, RpcErrors.toStatus("M", new IllegalStateException("bug")).getCode());
    }

    @Test
    void aHugeEchoedFieldIsCutToWhatTrailersCarry() {
        String huge = "x".repeat(1 << 20);
        String d = RpcErrors.toStatus("M", JcriException.invalidArgument("name", huge)).getDescription();
        assertTrue(d.startsWith("name: xxx"));
        assertTrue(d.length() < RpcErrors.MAX_DESCRIPTION_ENCODED + 100, "length " + d.length());
        String wide = "\u00e9".repeat(100_000); // 2 UTF-8 bytes, 6 encoded characters each
        String w = RpcErrors.bounded(wide);
        assertTrue(w.length() < RpcErrors.MAX_DESCRIPTION_ENCODED / 6 + 100, "length " + w.length());
        assertEquals("short", RpcErrors.bounded("short"));
    }
}
