package dev.jcri.conformance.image;

import static dev.jcri.conformance.image.Images.failure;
import static dev.jcri.conformance.image.Images.pull;
import static dev.jcri.conformance.image.Images.pullWithAuthField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestRegistry;
import dev.jcri.conformance.registry.TokenServer;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pulls from registries that want credentials: htpasswd Basic auth and Docker's bearer-token flow. */
@ExtendWith(SharedRuntime.class)
class ImageAuthTest {

    @Test
    void basicAuth(CriClient cri) throws Exception {
        try (TestRegistry registry = TestRegistry.startWithBasicAuth("alice", "s3cret")) {
            PushedImage pushed = registry.push("private/busybox:1", TestImages.busyboxBuilder().label("auth", "basic").build());
            Status anonymous = failure(() -> pull(cri, pushed.reference()));
            assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getCode());
            assertTrue(anonymous.getDescription().contains(registry.host()), anonymous.getDescription());
            Status wrong = failure(() -> pull(cri, pushed.reference(), "alice", "wrong"));
            assertEquals(Status.Code.UNAUTHENTICATED, wrong.getCode());
            assertTrue(wrong.getDescription().contains("alice"), wrong.getDescription());
            assertEquals(pushed.imageId(), pull(cri, pushed.reference(), "alice", "s3cret"));
            assertEquals(pushed.imageId(), pullWithAuthField(cri, pushed.reference(), "alice", "s3cret"));
        }
    }

    @Test
    void bearerTokens(CriClient cri) throws Exception {
        try (TokenServer tokens = TokenServer.start("bob", "pa55");
                TestRegistry registry = TestRegistry.startWithTokenAuth(tokens)) {
            PushedImage pushed = registry.push("tokens/busybox:1", TestImages.busyboxBuilder().label("auth", "token").build());
            Status wrong = failure(() -> pull(cri, pushed.reference(), "bob", "nope"));
            assertEquals(Status.Code.UNAUTHENTICATED, wrong.getCode());
            assertTrue(wrong.getDescription().contains("token"), wrong.getDescription());
            int before = tokens.tokensIssued();
            assertEquals(pushed.imageId(), pull(cri, pushed.reference(), "bob", "pa55"));
            assertTrue(tokens.tokensIssued() > before, "a token was fetched");
            PushedImage second = registry.push("tokens/busybox:2", TestImages.busyboxBuilder().label("auth", "token2").build());
            int afterFirst = tokens.tokensIssued();
            assertEquals(second.imageId(), pull(cri, second.reference(), "bob", "pa55"));
            assertEquals(afterFirst, tokens.tokensIssued(), "the cached token of the repository is reused");
        }
    }
}
