package dev.jcri.server.config;

import dev.jcri.server.config.Setting.ValueType;
import java.util.List;

/**
 * Every configuration key jcri knows, with its built-in default: the one place defaults live.
 * Order here is the order of {@code jcri config default}. Command-line flags override the keys
 * named after them.
 */
public final class Settings {

    private Settings() {}

    public static final Setting<String> SOCKET = new Setting<>("socket", "/run/jcri/jcri.sock",
            "UNIX socket kubelet and crictl connect to (flag --socket).", ValueType.absolutePath());

    public static final Setting<String> ROOT = new Setting<>("root", "/var/lib/jcri",
            "Persistent state: images, snapshots, pod and container records (flag --root).", ValueType.absolutePath());

    public static final Setting<String> STATE = new Setting<>("state", "/run/jcri",
            "Volatile state, gone after a reboot: namespace pins, runtime bundles, exit files (flag --state).",
            ValueType.absolutePath());

    public static final Setting<String> LOG_LEVEL = new Setting<>("log_level", "info",
            "Daemon log level (flag --log-level). debug logs every CRI call with its latency and status.",
            ValueType.oneOf("error", "warn", "info", "debug", "trace"));

    public static final Setting<String> CGROUP_DRIVER = new Setting<>("cgroup_driver", "auto",
            "How pod and container cgroups are named and created: \"cgroupfs\", \"systemd\", or \"auto\"\n"
                    + "(systemd when systemd runs the node, else cgroupfs). Must match kubelet's --cgroup-driver.",
            ValueType.oneOf("auto", "cgroupfs", "systemd"));

    public static final Setting<Long> GRPC_MAX_MESSAGE_BYTES = new Setting<>("grpc.max_message_bytes", 16L * 1024 * 1024,
            "Largest gRPC message accepted or sent, in bytes (kubelet's limit is 16 MiB).",
            ValueType.integer(4L * 1024 * 1024, 256L * 1024 * 1024));

    public static final Setting<Long> GRPC_SHUTDOWN_GRACE_SECONDS = new Setting<>("grpc.shutdown_grace_seconds", 10L,
            "On SIGTERM/SIGINT, how long in-flight calls may run before they are cancelled.",
            ValueType.integer(0, 600));

    public static final Setting<String> METRICS_ADDRESS = new Setting<>("metrics.address", "127.0.0.1:9464",
            "Prometheus metrics at http://ADDRESS/metrics; \"\" turns the endpoint off. Loopback by default:\n"
                    + "the metrics are unauthenticated, so exposing them beyond the node is an explicit choice.",
            ValueType.listenAddressOrEmpty());

    /** All settings, in the order they are documented. */
    public static final List<Setting<?>> ALL = List.of(
            SOCKET, ROOT, STATE, LOG_LEVEL, CGROUP_DRIVER,
            GRPC_MAX_MESSAGE_BYTES, GRPC_SHUTDOWN_GRACE_SECONDS,
            METRICS_ADDRESS);
}
