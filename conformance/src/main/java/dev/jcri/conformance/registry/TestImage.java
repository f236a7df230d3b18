package dev.jcri.conformance.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.conformance.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A single-platform image built in memory: layers, a config (USER, Env, Entrypoint, Cmd,
 * WorkingDir, Volumes, StopSignal, Labels) and a manifest, as an OCI image or a Docker schema 2
 * image. Push it with {@link TestRegistry#push}; its {@link #id()} is what a runtime reports as the
 * image ID.
 *
 * <pre>{@code
 * TestImage app = TestImage.builder()
 *         .layer(TestImages.busyboxLayer())
 *         .layer(TestLayer.builder().file("/app/run.sh", "#!/bin/sh\necho hi\n").build())
 *         .user("1000").env("MODE=test").entrypoint("/bin/sh", "/app/run.sh")
 *         .build();
 * }</pre>
 */
public final class TestImage {

    /** Manifest flavour. DOCKER needs gzip layers. */
    public enum Format { OCI, DOCKER }

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    private final List<TestLayer> layers;
    private final byte[] config;
    private final byte[] manifest;
    private final Format format;
    private final String os;
    private final String architecture;
    private final String variant;

    private TestImage(List<TestLayer> layers, byte[] config, byte[] manifest, Format format, String os, String architecture,
            String variant) {
        this.layers = List.copyOf(layers);
        this.config = config;
        this.manifest = manifest;
        this.format = format;
        this.os = os;
        this.architecture = architecture;
        this.variant = variant;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<TestLayer> layers() {
        return layers;
    }

    public byte[] configBytes() {
        return config.clone();
    }

    public byte[] manifestBytes() {
        return manifest.clone();
    }

    /** The image ID: sha256 of the config. */
    public String id() {
        return TestLayer.sha256(config);
    }

    public String manifestDigest() {
        return TestLayer.sha256(manifest);
    }

    public String manifestMediaType() {
        return format == Format.OCI ? OCI_MANIFEST : DOCKER_MANIFEST;
    }

    public Format format() {
        return format;
    }

    public String os() {
        return os;
    }

    public String architecture() {
        return architecture;
    }

    public String variant() {
        return variant;
    }

    /** Sum of config and layer blob sizes (what containerd and jcri report as the image size). */
    public long size() {
        return config.length + layers.stream().mapToLong(TestLayer::size).sum();
    }

    /** Builds an image; defaults: OCI, linux/amd64, no config fields set. */
    public static final class Builder {
        private final List<TestLayer> layers = new ArrayList<>();
        private final List<String> env = new ArrayList<>();
        private final List<String> volumes = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String user;
        private List<String> entrypoint;
        private List<String> cmd;
        private String workingDir;
        private String stopSignal;
        private Format format = Format.OCI;
        private String os = "linux";
        private String architecture = "amd64";
        private String variant;

        public Builder layer(TestLayer layer) {
            layers.add(layer);
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder env(String... keyValues) {
            env.addAll(List.of(keyValues));
            return this;
        }

        public Builder entrypoint(String... args) {
            this.entrypoint = List.of(args);
            return this;
        }

        public Builder cmd(String... args) {
            this.cmd = List.of(args);
            return this;
        }

        public Builder workingDir(String dir) {
            this.workingDir = dir;
            return this;
        }

        public Builder volume(String path) {
            volumes.add(path);
            return this;
        }

        public Builder stopSignal(String signal) {
            this.stopSignal = signal;
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder format(Format format) {
            this.format = format;
            return this;
        }

        /** The platform in the config (and in an index entry); variant may be null. */
        public Builder platform(String os, String architecture, String variant) {
            this.os = os;
            this.architecture = architecture;
            this.variant = variant;
            return this;
        }

        public TestImage build() {
            if (format == Format.DOCKER && layers.stream().anyMatch(l -> l.compression() != TestLayer.Compression.GZIP)) {
                throw new IllegalStateException("Docker schema 2 images have gzip layers only");
            }
            ObjectNode c = Json.MAPPER.createObjectNode();
            c.put("created", "2024-01-01T00:00:00Z");
            c.put("architecture", architecture);
            if (variant != null) {
                c.put("variant", variant);
            }
            c.put("os", os);
            ObjectNode cfg = c.putObject("config");
            if (user != null) {
                cfg.put("User", user);
            }
            ArrayNode envArray = cfg.putArray("Env");
            if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
                envArray.add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            }
            env.forEach(envArray::add);
            if (entrypoint != null) {
                ArrayNode a = cfg.putArray("Entrypoint");
                entrypoint.forEach(a::add);
            }
            if (cmd != null) {
                ArrayNode a = cfg.putArray("Cmd");
                cmd.forEach(a::add);
            }
            if (workingDir != null) {
                cfg.put("WorkingDir", workingDir);
            }
            if (!volumes.isEmpty()) {
                ObjectNode v = cfg.putObject("Volumes");
                volumes.forEach(p -> v.putObject(p));
            }
            if (stopSignal != null) {
                cfg.put("StopSignal", stopSignal);
            }
            if (!labels.isEmpty()) {
                ObjectNode l = cfg.putObject("Labels");
                labels.forEach(l::put);
            }
            ObjectNode rootfs = c.putObject("rootfs");
            rootfs.put("type", "layers");
            ArrayNode diffIds = rootfs.putArray("diff_ids");
            layers.forEach(l -> diffIds.add(l.diffId()));
            byte[] config = json(c);

            ObjectNode m = Json.MAPPER.createObjectNode();
            m.put("schemaVersion", 2);
            m.put("mediaType", format == Format.OCI ? OCI_MANIFEST : DOCKER_MANIFEST);
            ObjectNode cd = m.putObject("config");
            cd.put("mediaType", format == Format.OCI ? "application/vnd.oci.image.config.v1+json"
                    : "application/vnd.docker.container.image.v1+json");
            cd.put("digest", TestLayer.sha256(config));
            cd.put("size", config.length);
            ArrayNode ls = m.putArray("layers");
            for (TestLayer l : layers) {
                ObjectNode d = ls.addObject();
                d.put("mediaType", format == Format.OCI ? l.ociMediaType() : "application/vnd.docker.image.rootfs.diff.tar.gzip");
                d.put("digest", l.digest());
                d.put("size", l.size());
            }
            return new TestImage(layers, config, json(m), format, os, architecture, variant);
        }
    }

    static byte[] json(Object node) {
        try {
            return Json.MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
