package dev.jcri.server.config;

import dev.jcri.server.config.Setting.ValueType;
import java.util.List;
import java.util.Map;

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

    public static final Setting<String> LOG_FORMAT = new Setting<>("log_format", "auto",
            "\"journal\": every line starts with its syslog priority (<3> error .. <7> debug) and no timestamp,\n"
                    + "one line per event; \"text\": timestamp and level; \"auto\": journal when stderr is the journal\n"
                    + "(systemd's JOURNAL_STREAM matches it), else text. Errors of the caller never carry a stack trace.",
            ValueType.oneOf("auto", "journal", "text"));

    public static final Setting<String> CGROUP_DRIVER = new Setting<>("cgroup_driver", "auto",
            "How pod and container cgroups are named and created: \"cgroupfs\", \"systemd\", or \"auto\"\n"
                    + "(systemd when systemd runs the node, else cgroupfs). Must match kubelet's --cgroup-driver.",
            ValueType.oneOf("auto", "cgroupfs", "systemd"));

    public static final Setting<List<String>> PINNED_IMAGES = new Setting<>("pinned_images", List.of(),
            "Images ImageStatus/ListImages report as pinned, so kubelet's image garbage collection never\n"
                    + "removes them (e.g. the pause image of your pods): references (tags or digests) or image IDs.",
            ValueType.nonEmptyStrings());

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

    public static final Setting<String> STREAMING_ADDRESS = new Setting<>("streaming.address", "127.0.0.1",
            "The streaming server (Exec, Attach, PortForward: the URLs those calls return) listens on this IP.\n"
                    + "Loopback by default, as containerd: kubelet on the same node reaches it; anything else is an\n"
                    + "explicit choice (each URL still carries a single-use token that expires after a minute).",
            ValueType.ipAddress());

    public static final Setting<Long> STREAMING_PORT = new Setting<>("streaming.port", 0L,
            "Its TCP port; 0 picks a free one at each start (the URLs carry it).", ValueType.integer(0, 65535));

    public static final Setting<Long> STREAMING_IDLE_TIMEOUT_SECONDS = new Setting<>("streaming.idle_timeout_seconds", 14_400L,
            "A streaming connection that carries no byte either way for this long is closed (and an exec\n"
                    + "it ran is killed); kubelet's default stream idle timeout is 4 hours.",
            ValueType.integer(1, 7 * 86_400));

    public static final Setting<String> STREAMING_TLS_CERT = new Setting<>("streaming.tls_cert", "",
            "PEM certificate chain and PKCS#8 PEM key for HTTPS; both \"\" (the default) means plain HTTP.",
            ValueType.absolutePathOrEmpty());

    public static final Setting<String> STREAMING_TLS_KEY = new Setting<>("streaming.tls_key", "",
            "The key of streaming.tls_cert (readable by root only).", ValueType.absolutePathOrEmpty());

    public static final Setting<Long> REGISTRY_STALL_TIMEOUT_SECONDS = new Setting<>("registry.stall_timeout_seconds", 60L,
            "A layer download that receives no byte for this long is aborted and the pull fails (UNAVAILABLE,\n"
                    + "naming the layer and the registry host); a download still moving is never cut, however long.\n"
                    + "0: never (registry requests then wait 60 s for their answers).",
            ValueType.integer(0, 3600));

    public static final Setting<Long> REGISTRY_PROGRESS_INTERVAL_SECONDS = new Setting<>("registry.progress_interval_seconds", 5L,
            "A pull still running logs its progress (bytes and layers done, rate) at info level this often;\n"
                    + "0: never.",
            ValueType.integer(0, 3600));

    public static final Setting<Long> REGISTRY_MAX_CONCURRENT_DOWNLOADS = new Setting<>("registry.max_concurrent_downloads", 3L,
            "Layers downloaded at the same time, over all pulls.", ValueType.integer(1, 64));

    public static final Setting<Long> REGISTRY_MAX_ATTEMPTS = new Setting<>("registry.max_attempts", 4L,
            "Tries per registry request on transient errors (connection failures, HTTP 5xx and 429), with\n"
                    + "backoff; a download cut short resumes where it stopped.",
            ValueType.integer(1, 20));

    public static final Setting<Map<String, List<String>>> REGISTRY_MIRRORS = new Setting<>("registry.mirrors", Map.of(),
            "Mirrors per registry host, tried in order before the registry itself (containerd's CRI convention).\n"
                    + "Write one table per registry instead of this empty inline table, e.g.:\n"
                    + "  [registry.mirrors.\"docker.io\"]\n"
                    + "  endpoints = [\"http://127.0.0.1:5000\", \"https://mirror.example.com\"]\n"
                    + "An endpoint is http(s)://host[:port][/path], or host[:port][/path] for HTTPS (plain HTTP too\n"
                    + "when the host is loopback or insecure); a path serves the registry at PATH/v2. Registries on\n"
                    + "loopback addresses need no entry to use plain HTTP.",
            ValueType.mirrorTable());

    public static final Setting<Map<String, RegistryHostSettings>> REGISTRY_CONFIGS = new Setting<>("registry.configs", Map.of(),
            "Settings per registry or mirror host (\"host\" or \"host:port\"), one table each, e.g.:\n"
                    + "  [registry.configs.\"registry.example.com:5000\"]\n"
                    + "  insecure = false          # true: plain HTTP allowed, TLS certificates not verified\n"
                    + "  ca_file = \"/etc/jcri/certs/example-ca.pem\"   # extra CAs, beside the system's\n"
                    + "  cert_file = \"/etc/jcri/certs/node.crt\"   # client certificate (mutual TLS), PEM; its key\n"
                    + "  key_file = \"/etc/jcri/certs/node.key\"    # (PKCS#8, RSA or EC; not readable by others), or\n"
                    + "                              # in cert_file when key_file is unset\n"
                    + "  override_path = false     # true: an endpoint's URL path is the API root, not PATH/v2\n"
                    + "  username = \"puller\"      # credentials used when the pull request carries none;\n"
                    + "  password = \"secret\"      # or auth = base64(\"user:password\"), or identity_token",
            ValueType.registryHostTable());

    public static final Setting<String> REGISTRY_CONFIG_PATH = new Setting<>("registry.config_path", "",
            "containerd's registry host directories (e.g. \"/etc/containerd/certs.d\"): DIR/REGISTRY/hosts.toml with\n"
                    + "server, [host.\"URL\"] capabilities, skip_verify, ca, client, header and override_path, read as\n"
                    + "mirrors and host settings beside the tables above (a registry in both is an error). \"\" reads none.",
            ValueType.absolutePathOrEmpty());

    public static final Setting<String> CNI_CONF_DIR = new Setting<>("cni.conf_dir", "/etc/cni/net.d",
            "CNI network configs: the lexically first valid .conflist/.conf/.json is used, and changes\n"
                    + "are picked up without a restart. NetworkReady is false while none is valid.",
            ValueType.absolutePath());

    public static final Setting<List<String>> CNI_BIN_DIRS = new Setting<>("cni.bin_dirs",
            List.of("/opt/cni/bin", "/usr/lib/cni"),
            "Directories searched for CNI plugin binaries, in order (Debian installs them in /usr/lib/cni).\n"
                    + "Attachment results are cached under ROOT/cni for DEL after restarts.",
            ValueType.absolutePaths());

    public static final Setting<Long> CNI_PLUGIN_TIMEOUT_SECONDS = new Setting<>("cni.plugin_timeout_seconds", 60L,
            "Limit for one plugin run; the plugin's process tree is killed after it and the step rolled back.",
            ValueType.integer(1, 600));

    public static final Setting<List<String>> CDI_SPEC_DIRS = new Setting<>("cdi.spec_dirs",
            List.of("/etc/cdi", "/var/run/cdi"),
            "Directories of CDI spec files (*.json, *.yaml) for CreateContainer's CDI_devices and cdi.k8s.io/ annotations;\n"
                    + "a later directory overrides an earlier one. Read at each create that asks for a device.",
            ValueType.absolutePaths());

    public static final Setting<Map<String, String>> RUNTIME_HANDLERS = new Setting<>("runtime.handlers",
            orderedMap("runc", "runc", "crun", "crun"),
            "OCI runtimes by RuntimeClass handler name: name = binary (a name on PATH or an absolute path).\n"
                    + "A pod's runtime_handler picks one; \"\" means runtime.default_handler.",
            ValueType.stringTable("handler names to runtime binaries"));

    public static final Setting<String> RUNTIME_DEFAULT_HANDLER = new Setting<>("runtime.default_handler", "runc",
            "The handler of pods that name none (it must be a key of runtime.handlers).", ValueType.string());

    public static final Setting<String> RUNTIME_CONMON = new Setting<>("runtime.conmon", "conmon",
            "The container monitor binary (conmon: survives jcri restarts, writes logs and exit codes).",
            ValueType.string());

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** All settings, in the order they are documented. */
    public static final List<Setting<?>> ALL = List.of(
            SOCKET, ROOT, STATE, LOG_LEVEL, LOG_FORMAT, CGROUP_DRIVER, PINNED_IMAGES,
            GRPC_MAX_MESSAGE_BYTES, GRPC_SHUTDOWN_GRACE_SECONDS,
            METRICS_ADDRESS,
            STREAMING_ADDRESS, STREAMING_PORT, STREAMING_IDLE_TIMEOUT_SECONDS, STREAMING_TLS_CERT, STREAMING_TLS_KEY,
            CNI_CONF_DIR, CNI_BIN_DIRS, CNI_PLUGIN_TIMEOUT_SECONDS, CDI_SPEC_DIRS,
            RUNTIME_HANDLERS, RUNTIME_DEFAULT_HANDLER, RUNTIME_CONMON,
            REGISTRY_STALL_TIMEOUT_SECONDS, REGISTRY_PROGRESS_INTERVAL_SECONDS, REGISTRY_MAX_CONCURRENT_DOWNLOADS, REGISTRY_MAX_ATTEMPTS,
            REGISTRY_MIRRORS, REGISTRY_CONFIGS, REGISTRY_CONFIG_PATH);
}
