package dev.jcri.conformance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.registry.FaultProxy;
import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestCertificates;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestRegistry;
import dev.jcri.conformance.Deadline;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * containerd's hosts.toml directory end to end: a pull-through mirror that answers only requests
 * carrying its access header refuses a pull for a registry name that does not exist while that
 * name's hosts.toml has no header, and serves it once the file (read again on SIGHUP) sends it.
 */
class HostsTomlPullTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcri() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "this test configures jcri itself");
    }

    private static Api.PullImageResponse pull(CriClient cri, String ref) {
        return cri.images().pullImage(Api.PullImageRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(ref)).build());
    }

    @Test
    void pullsThroughAMirrorWithTheHeaderItsHostsTomlNames() throws Exception {
        try (TestRegistry registry = TestRegistry.start(); FaultProxy mirror = FaultProxy.start(registry.host())) {
            PushedImage image = registry.push("hosts/busybox:1", TestImages.busybox());
            mirror.requireHeader("X-Mirror-Token", "s3cret");
            Path certs = dir.resolve("certs.d");
            Path hostsToml = Files.createDirectories(certs.resolve("mirrored.invalid")).resolve("hosts.toml");
            String withoutHeader = """
                    server = "https://mirrored.invalid"

                    [host."http://%s"]
                      capabilities = ["pull", "resolve"]
                    """.formatted(mirror.host());
            Files.writeString(hostsToml, withoutHeader);
            Path config = dir.resolve("jcri.toml");
            Files.writeString(config, "[registry]\nmax_attempts = 1\nconfig_path = \"" + certs + "\"\n");
            try (JcriProcess jcri = JcriProcess.start(dir.resolve("jcri"), List.of("--config", config.toString()));
                    CriClient cri = new CriClient(jcri.socket())) {
                assertThrows(StatusRuntimeException.class, () -> pull(cri, "mirrored.invalid/hosts/busybox:1"));
                assertTrue(mirror.refusedForHeader() > 0, "the mirror refused the pull for lacking its header");

                Files.writeString(hostsToml, withoutHeader + """
                          [host."http://%s".header]
                            X-Mirror-Token = "s3cret"
                        """.formatted(mirror.host()));
                new ProcessBuilder("kill", "-HUP", Long.toString(jcri.process().pid())).start().waitFor();
                Deadline.await("the reload", Duration.ofSeconds(30),
                        () -> jcri.logText().contains("hosts.toml files read again") ? Boolean.TRUE : null);
                int refused = mirror.refusedForHeader();
                assertEquals(image.imageId(), pull(cri, "mirrored.invalid/hosts/busybox:1").getImageRef());
                assertEquals(refused, mirror.refusedForHeader(), "every request to the mirror carried the header");
            }
        }
    }

    private static List<Path> files(Path d) throws java.io.IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    /**
     * A mutual-TLS mirror (HTTPS with a certificate of a private CA, a client certificate required,
     * an access header required, the registry API served under /mirror-api instead of /v2),
     * configured only by a hosts.toml with ca, header and override_path: without {@code client} the
     * handshake fails and the pull is UNAVAILABLE naming the mirror, nothing stored; once SIGHUP
     * reads the file again with {@code client}, the pull works through the mirror alone; a bad
     * file at the next SIGHUP is refused and the running settings stay.
     */
    @Test
    void pullsThroughAMutualTlsMirrorUnderItsOwnPath() throws Exception {
        Path pki = Files.createDirectories(dir.resolve("pki"));
        TestCertificates certs = TestCertificates.create(pki);
        try (TestRegistry registry = TestRegistry.start();
                FaultProxy mirror = FaultProxy.startTls(registry.host(), certs.serverContext(), true)) {
            PushedImage image = registry.push("mtls/busybox:1", TestImages.busybox());
            mirror.requireHeader("X-Mirror-Token", "s3cret").serveUnder("/mirror-api");
            Path certsD = dir.resolve("certs.d");
            Path hostDir = Files.createDirectories(certsD.resolve("mtls.invalid"));
            Files.copy(certs.ca(), hostDir.resolve("mirror-ca.pem"));
            Path hostsToml = hostDir.resolve("hosts.toml");
            String withoutClient = """
                    server = "https://mtls.invalid"

                    [host."https://%s/mirror-api"]
                      capabilities = ["pull", "resolve"]
                      ca = "mirror-ca.pem"
                      override_path = true
                    """.formatted(mirror.host());
            String header = """
                      [host."https://%s/mirror-api".header]
                        X-Mirror-Token = "s3cret"
                    """.formatted(mirror.host());
            Files.writeString(hostsToml, withoutClient + header);
            Path config = dir.resolve("jcri.toml");
            Files.writeString(config, "[registry]\nmax_attempts = 1\nconfig_path = \"" + certsD + "\"\n");
            String ref = "mtls.invalid/mtls/busybox:1";
            try (JcriProcess jcri = JcriProcess.start(dir.resolve("jcri"), List.of("--config", config.toString()));
                    CriClient cri = new CriClient(jcri.socket())) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> pull(cri, ref));
                assertEquals(io.grpc.Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
                String why = e.getStatus().getDescription();
                assertTrue(why.contains("mirror " + mirror.host() + " (at /mirror-api)"), "names the mirror: " + why);
                System.out.println("pull without a client certificate: " + why);
                Path content = jcri.root().resolve("images/content");
                assertEquals(List.of(), files(content.resolve("blobs/sha256")), "nothing stored");
                assertEquals(List.of(), files(content.resolve("ingest")), "no partial download left");

                Files.writeString(hostsToml, withoutClient + """
                          client = [["%s", "%s"]]
                        """.formatted(certs.clientCert(), certs.clientKey()) + header);
                new ProcessBuilder("kill", "-HUP", Long.toString(jcri.process().pid())).start().waitFor();
                Deadline.await("the reload", Duration.ofSeconds(30),
                        () -> jcri.logText().contains("hosts.toml files read again") ? Boolean.TRUE : null);
                assertEquals(image.imageId(), pull(cri, ref).getImageRef());
                assertEquals(0, mirror.refusedForHeader(), "every request carried the header");
                assertEquals(0, mirror.outsidePrefix(), "every request went to the mirror's path");

                // a bad file on SIGHUP (the key made readable by others) keeps the running settings, and the daemon
                Files.setPosixFilePermissions(certs.clientKey(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                new ProcessBuilder("kill", "-HUP", Long.toString(jcri.process().pid())).start().waitFor();
                String refusal = Deadline.await("the refused reload", Duration.ofSeconds(30), () -> jcri.logText().lines()
                        .filter(l -> l.contains("reload: the new configuration is not used")).findFirst().orElse(null));
                assertTrue(refusal.contains(hostsToml.toString()) && refusal.contains(certs.clientKey() + " holds a private key and is"
                        + " readable by every user"), refusal);
                cri.images().removeImage(Api.RemoveImageRequest.newBuilder()
                        .setImage(Api.ImageSpec.newBuilder().setImage(ref)).build());
                assertEquals(image.imageId(), pull(cri, ref).getImageRef(), "the running settings still pull");
                assertTrue(jcri.process().isAlive(), "the daemon runs on");
                assertFalse(jcri.logText().contains("died of an exception nothing caught"),
                        "the refusal is one log line, not a reload thread dying with a stack trace");
            }
        }
    }
}
