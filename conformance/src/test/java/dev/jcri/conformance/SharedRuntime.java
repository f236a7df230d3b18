package dev.jcri.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link CriClient} to the runtime under test, shared by the whole run: the endpoint
 * in {@code -Dcri.endpoint} / {@code $CRI_ENDPOINT} (e.g. unix:///run/containerd/containerd.sock)
 * when set, else one jcri started from the packaged jar in a temporary directory.
 */
public final class SharedRuntime implements ParameterResolver {

    /** The endpoint of an external runtime, or null when the suite runs its own jcri. */
    public static String externalEndpoint() {
        String endpoint = System.getProperty("cri.endpoint", System.getenv("CRI_ENDPOINT"));
        return endpoint == null || endpoint.isBlank() ? null : endpoint;
    }

    /**
     * Resolves {@link CriClient} (any runtime) and {@link JcriProcess} (the suite's own jcri; a
     * test asking for it is skipped against an external endpoint, whose files it cannot see).
     */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == CriClient.class || type == JcriProcess.class || type == TestNetwork.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Runtime runtime = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(Runtime.class, key -> Runtime.open(), Runtime.class);
        if (parameter.getParameter().getType() == TestNetwork.class) {
            return network(context);
        }
        if (parameter.getParameter().getType() == JcriProcess.class) {
            org.junit.jupiter.api.Assumptions.assumeTrue(runtime.jcri != null, "needs the suite's own jcri");
            return runtime.jcri;
        }
        return runtime.client;
    }

    /** The client and, when the suite started it, the jcri process behind it. */
    @SuppressWarnings("AvoidCommonTypeNames") // private, and java.lang.Runtime is never used here
    private record Runtime(CriClient client, JcriProcess jcri, TestNetwork network) implements AutoCloseable {
        static Runtime open() {
            String external = externalEndpoint();
            if (external != null) {
                return new Runtime(new CriClient(CriClient.socketOf(external)), null, null);
            }
            try {
                // 0711 like /run: containers of user-namespaced pods reach their root through it
                Path dir = Files.createTempDirectory("jcri-suite-", java.nio.file.attribute.PosixFilePermissions
                        .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x")));
                TestNetwork network = TestNetwork.create(dir);
                Path config = Files.writeString(dir.resolve("jcri.toml"), network.jcriConfig());
                JcriProcess jcri = JcriProcess.start(dir, List.of("--log-level", "debug", "--config", config.toString()));
                return new Runtime(new CriClient(jcri.socket()), jcri, network);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start jcri for the suite", e);
            }
        }

        @Override
        public void close() throws IOException {
            client.close();
            if (jcri != null) {
                jcri.close();
            }
            if (network != null) {
                network.close();
            }
        }
    }

    /** The suite's own CNI network (skips the test against an external runtime). */
    public static TestNetwork network(ExtensionContext context) {
        Runtime runtime = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(Runtime.class, key -> Runtime.open(), Runtime.class);
        org.junit.jupiter.api.Assumptions.assumeTrue(runtime.network != null, "needs the suite's own network");
        return runtime.network;
    }
}
