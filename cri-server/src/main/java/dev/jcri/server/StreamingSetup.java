package dev.jcri.server;

import dev.jcri.sandbox.stream.ContainerStreams;
import dev.jcri.server.config.JcriConfig;
import dev.jcri.server.config.Settings;
import dev.jcri.server.streaming.StreamingServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Starts the streaming server from the {@code [streaming]} keys, with errors an operator can act on. */
final class StreamingSetup {

    private StreamingSetup() {}

    static StreamingServer start(JcriConfig config, ContainerStreams streams, MeterRegistry registry) throws IOException {
        String address = config.get(Settings.STREAMING_ADDRESS);
        int port = Math.toIntExact(config.get(Settings.STREAMING_PORT));
        try {
            return StreamingServer.start(new InetSocketAddress(address, port),
                    Duration.ofSeconds(config.get(Settings.STREAMING_IDLE_TIMEOUT_SECONDS)), tls(config),
                    StreamingServer.TOKEN_TTL, streams, registry);
        } catch (java.net.BindException e) {
            throw new Daemon.StartupException("cannot listen on streaming.address " + address + " port " + port + ": "
                    + e.getMessage());
        }
    }

    private static SslContext tls(JcriConfig config) throws IOException {
        String cert = config.get(Settings.STREAMING_TLS_CERT);
        String key = config.get(Settings.STREAMING_TLS_KEY);
        if (cert.isEmpty() && key.isEmpty()) {
            return null;
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new Daemon.StartupException("streaming.tls_cert and streaming.tls_key go together: set both or neither");
        }
        for (String file : new String[] {cert, key}) {
            if (!Files.isReadable(Path.of(file))) {
                throw new Daemon.StartupException("cannot read " + file + " (streaming TLS)");
            }
        }
        try {
            return SslContextBuilder.forServer(Path.of(cert).toFile(), Path.of(key).toFile()).build();
        } catch (Exception e) {
            throw new Daemon.StartupException("streaming TLS: cannot use " + cert + " and " + key + ": " + e.getMessage());
        }
    }
}
