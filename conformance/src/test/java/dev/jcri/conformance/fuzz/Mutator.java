package dev.jcri.conformance.fuzz;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/**
 * The seeded random part: takes a valid RunPodSandbox, CreateContainer or UpdateContainerResources
 * request and changes one to three of its fields (found through the protobuf descriptors, so
 * every field the API has is reachable) to boundary values: empty, huge, negative, out of range,
 * unknown enum numbers, path tricks, NUL and line breaks. The runtime may accept a mutated request
 * (many are valid) or refuse it with a client code; it must never answer with a server fault, and
 * nothing may be left behind. Containers are created, never started: nothing a mutation asks for
 * runs.
 *
 * <p>Fields whose values reach the host as paths (host paths of mounts and devices, log
 * directories, cgroup parents, profile files) get values from pools confined to the run's own
 * directory and cgroup level, so a mutation cannot make jcri create directories elsewhere.
 */
final class Mutator {

    /** What a random case may get: any code but a server fault (the request may well be valid). */
    static final FuzzCase.Expect NO_SERVER_FAULT;

    static {
        Set<Status.Code> codes = EnumSet.allOf(Status.Code.class);
        codes.removeAll(Verdicts.SERVER_FAULTS);
        NO_SERVER_FAULT = new FuzzCase.Expect(codes, null);
    }

    private static final Set<String> SKIPPED = Set.of("windows", "CDI_devices", "linux.security_context.selinux_options",
            "sandbox_config.windows");
    private static final int MAX_DEPTH = 6;

    private static final long[] NUMBERS = {0, 1, -1, 2, 1000, 4096, 65535, 65536, 70000, 262145, -1000, 1001,
        Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, 1L << 40};
    private static final String[] STRINGS = {"", " ", "a", "..", "/", "../../../x", "a\nb", "a\0b", "x".repeat(300),
        "-1", "abc", "日本語", "%s%n", "$(id)", "0-4096", "4096", "1-0", "0", "/proc/self", "ALL", "CAP_SYS_ADMIN",
        "a=b", "*", "\t"};
    private static final String[] SYSCTL_NAMES = {"net.ipv4.ip_forward", "kernel.shmmax", "net.core.somaxconn",
        "net.ipv4.no_such", "kernel.panic", "fs.mqueue.msg_max", "net/ipv4/ip_forward", "kernel.msgmax", "",
        "net.ipv4.conf.all.rp_filter", "net.ipv4.ip_local_port_range"};

    private final Random random;
    private final FuzzEnv env;
    private final Map<String, Supplier<List<String>>> pathPools;
    private int serial;

    Mutator(long seed, FuzzEnv env) {
        this.random = new Random(seed);
        this.env = env;
        Path work = env.work();
        String cg = env.cgroupRoot();
        // No missing host path here: an accepted request makes it (containerd's rule), and it stays by design; the
        // table checks that a refused request makes none.
        Supplier<List<String>> hostPaths = () -> List.of("", "relative", work.resolve("hostpaths/exists").toString(),
                "/dev/null", "/tmp\0x", work.resolve("afile").toString());
        Supplier<List<String>> profiles = () -> List.of("", "rel.json", "/no/such.json", work.resolve("afile").toString(),
                "/etc/hostname");
        this.pathPools = Map.ofEntries(
                Map.entry("config.mounts[].host_path", hostPaths),
                Map.entry("config.devices[].host_path", () -> List.of("", "/dev/null", "/dev/zero", "/dev/no-such", "relative")),
                Map.entry("config.log_directory", () -> List.of("", "relative", work.resolve("logs").resolve(Fixture.unique("r")).toString(),
                        "/tmp\0x", work.resolve("afile").toString())),
                Map.entry("config.linux.cgroup_parent", () -> List.of(cg + "/" + Fixture.unique("r"),
                        cg + "/" + Fixture.unique("r") + "/deeper", "relative", cg + "/../x", cg + "/" + "c".repeat(300), "")),
                Map.entry("config.linux.security_context.seccomp.localhost_ref", profiles),
                Map.entry("config.linux.security_context.apparmor.localhost_ref", profiles),
                Map.entry("config.linux.security_context.seccomp_profile_path", profiles),
                Map.entry("config.linux.security_context.apparmor_profile", profiles),
                Map.entry("config.image.image", () -> List.of(env.image(), "UPPER/Case:1", "0bad0bad", Calls.MIB, "", "busybox",
                        "127.0.0.1:1/x:1")));
    }

    /** One mutation: a field path (descriptors, "[]" = a new element of a list) and the value set or added. */
    record Mutation(List<FieldDescriptor> path, Object value, String text) {}

    /** The next random case. */
    FuzzCase next() {
        int kind = random.nextInt(10);
        int n = serial++;
        if (kind < 4) {
            return pod(n);
        }
        if (kind < 8) {
            return container(n);
        }
        return update(n);
    }

    private FuzzCase pod(int n) {
        List<Mutation> mutations = mutations(Api.RunPodSandboxRequest.getDescriptor(), p -> p.startsWith("config.") || p.equals("runtime_handler"));
        FuzzCase.Call call = f -> {
            Api.RunPodSandboxRequest.Builder request = Api.RunPodSandboxRequest.newBuilder().setConfig(f.podConfig(random(n) % 3 == 0));
            mutations.forEach(m -> apply(request, m.path(), 0, m.value()));
            Api.RunPodSandboxRequest built = request.build();
            f.createLogDirectory(built.getConfig());
            FuzzCase.Answer answer = Calls.call(f, RuntimeServiceGrpc.getRunPodSandboxMethod(), built);
            if (answer.response() instanceof Api.RunPodSandboxResponse r) {
                f.adoptPod(r.getPodSandboxId(), built.getConfig());
            }
            return answer;
        };
        return FuzzCase.c(name(n, "RunPodSandbox", mutations), call, NO_SERVER_FAULT);
    }

    private FuzzCase container(int n) {
        List<Mutation> mutations = mutations(Api.CreateContainerRequest.getDescriptor(),
                p -> p.startsWith("config.") || (p.equals("pod_sandbox_id") && random.nextInt(10) == 0));
        FuzzCase.Call call = f -> {
            Api.CreateContainerRequest.Builder request = Api.CreateContainerRequest.newBuilder().setPodSandboxId(f.env.basePodId())
                    .setSandboxConfig(f.env.basePod()).setConfig(f.containerConfig());
            mutations.forEach(m -> apply(request, m.path(), 0, m.value()));
            Api.CreateContainerRequest built = request.build();
            FuzzCase.Answer answer = Calls.call(f, RuntimeServiceGrpc.getCreateContainerMethod(), built);
            if (answer.response() instanceof Api.CreateContainerResponse r) {
                f.adoptContainer(r.getContainerId(), f.env.basePod(), built.getConfig());
            }
            return answer;
        };
        return FuzzCase.c(name(n, "CreateContainer", mutations), call, NO_SERVER_FAULT);
    }

    private FuzzCase update(int n) {
        List<Mutation> mutations = mutations(Api.UpdateContainerResourcesRequest.getDescriptor(), p -> p.startsWith("linux."));
        FuzzCase.Call call = f -> {
            Api.UpdateContainerResourcesRequest.Builder request = Api.UpdateContainerResourcesRequest.newBuilder()
                    .setContainerId(f.container(Fixture.State.RUNNING));
            mutations.forEach(m -> apply(request, m.path(), 0, m.value()));
            return Calls.call(f, RuntimeServiceGrpc.getUpdateContainerResourcesMethod(), request.build());
        };
        return FuzzCase.c(name(n, "UpdateContainerResources", mutations), call, NO_SERVER_FAULT);
    }

    private int random(int n) {
        return new Random(n * 7919L).nextInt(1000);
    }

    private static String name(int n, String rpc, List<Mutation> mutations) {
        return "random #" + n + " " + rpc + ": " + String.join(", ", mutations.stream().map(Mutation::text).toList());
    }

    // ---------------------------------------------------------------- choosing

    private List<Mutation> mutations(Descriptor root, java.util.function.Predicate<String> eligible) {
        List<List<FieldDescriptor>> leaves = new ArrayList<>();
        collect(root, new ArrayList<>(), "", leaves);
        List<List<FieldDescriptor>> candidates = leaves.stream().filter(p -> eligible.test(text(p))).toList();
        int count = 1 + random.nextInt(3);
        List<Mutation> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<FieldDescriptor> path = candidates.get(random.nextInt(candidates.size()));
            Object value = value(path);
            out.add(new Mutation(path, value, text(path) + "=" + show(value)));
        }
        return out;
    }

    private static void collect(Descriptor type, List<FieldDescriptor> prefix, String prefixText, List<List<FieldDescriptor>> out) {
        for (FieldDescriptor fd : type.getFields()) {
            String text = prefixText + fd.getName();
            if (SKIPPED.contains(text) || SKIPPED.contains(text.replaceFirst("^config\\.", ""))
                    || fd.getType() == FieldDescriptor.Type.BYTES) {
                continue;
            }
            List<FieldDescriptor> path = new ArrayList<>(prefix);
            path.add(fd);
            if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !fd.isMapField()) {
                if (prefix.size() < MAX_DEPTH) {
                    collect(fd.getMessageType(), path, text + (fd.isRepeated() ? "[]." : "."), out);
                }
            } else {
                out.add(List.copyOf(path));
            }
        }
    }

    private static String text(List<FieldDescriptor> path) {
        StringBuilder s = new StringBuilder();
        for (FieldDescriptor fd : path) {
            if (!s.isEmpty()) {
                s.append('.');
            }
            s.append(fd.getName());
            if (fd.isMapField()) {
                s.append("{}");
            } else if (fd.isRepeated() && fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                s.append("[]");
            }
        }
        return s.toString();
    }

    private Object value(List<FieldDescriptor> path) {
        FieldDescriptor fd = path.getLast();
        String text = text(path);
        Supplier<List<String>> pool = pathPools.get(text);
        if (pool != null) {
            List<String> values = pool.get();
            return values.get(random.nextInt(values.size()));
        }
        if (fd.isMapField()) {
            String key = text.endsWith("sysctls{}") ? pick(SYSCTL_NAMES) : string();
            return Map.entry(key, string());
        }
        return switch (fd.getJavaType()) {
            case INT -> (int) NUMBERS[random.nextInt(NUMBERS.length)];
            case LONG -> NUMBERS[random.nextInt(NUMBERS.length)];
            case BOOLEAN -> random.nextBoolean();
            case FLOAT -> (float) NUMBERS[random.nextInt(NUMBERS.length)];
            case DOUBLE -> (double) NUMBERS[random.nextInt(NUMBERS.length)];
            case STRING -> string();
            case ENUM -> random.nextInt(5) == 0 ? fd.getEnumType().findValueByNumberCreatingIfUnknown(42)
                    : fd.getEnumType().getValues().get(random.nextInt(fd.getEnumType().getValues().size()));
            default -> throw new IllegalStateException("no values for " + text);
        };
    }

    private String string() {
        return random.nextInt(30) == 0 ? Calls.MIB : pick(STRINGS);
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String show(Object value) {
        if (value instanceof Map.Entry<?, ?> e) {
            return show(e.getKey()) + ":" + show(e.getValue());
        }
        if (value instanceof String s) {
            String shown = s.length() > 40 ? s.substring(0, 8) + "...(" + s.length() + " chars)" : s;
            return "\"" + shown.replace("\n", "\\n").replace("\0", "\\0").replace("\t", "\\t") + "\"";
        }
        if (value instanceof com.google.protobuf.Descriptors.EnumValueDescriptor e) {
            return e.getIndex() < 0 ? Integer.toString(e.getNumber()) : e.getName();
        }
        return String.valueOf(value);
    }

    // ---------------------------------------------------------------- applying

    /** Sets (or adds, for lists and maps) the value at the path, creating a valid new element where a list is entered. */
    private void apply(Message.Builder b, List<FieldDescriptor> path, int i, Object value) {
        FieldDescriptor fd = path.get(i);
        if (i == path.size() - 1) {
            if (fd.isMapField()) {
                Map.Entry<?, ?> e = (Map.Entry<?, ?>) value;
                Message.Builder entry = b.newBuilderForField(fd);
                entry.setField(fd.getMessageType().findFieldByName("key"), e.getKey());
                entry.setField(fd.getMessageType().findFieldByName("value"), e.getValue());
                b.addRepeatedField(fd, entry.build());
            } else if (fd.isRepeated()) {
                b.addRepeatedField(fd, value);
            } else {
                b.setField(fd, value);
            }
            return;
        }
        if (fd.isRepeated()) {
            Message.Builder element = validElement(fd.getMessageType(), b.newBuilderForField(fd));
            apply(element, path, i + 1, value);
            b.addRepeatedField(fd, element.build());
        } else {
            apply(b.getFieldBuilder(fd), path, i + 1, value);
        }
    }

    /** A list element that is valid before its one field is changed, so the mutation is what is tested. */
    private Message.Builder validElement(Descriptor type, Message.Builder empty) {
        Map<String, Function<Message.Builder, Message.Builder>> seeds = Map.of(
                "runtime.v1.Mount", x -> Api.Mount.newBuilder().setContainerPath("/m" + serial)
                        .setHostPath(env.work().resolve("hostpaths/exists").toString()),
                "runtime.v1.Device", x -> Api.Device.newBuilder().setHostPath("/dev/null").setContainerPath("/dev/fuzz")
                        .setPermissions("rw"),
                "runtime.v1.KeyValue", x -> Api.KeyValue.newBuilder().setKey("FUZZ").setValue(com.google.protobuf.ByteString.copyFromUtf8("1")),
                "runtime.v1.PortMapping", x -> Api.PortMapping.newBuilder().setContainerPort(80),
                "runtime.v1.HugepageLimit", x -> Api.HugepageLimit.newBuilder().setPageSize("2MB"));
        Function<Message.Builder, Message.Builder> seed = seeds.get(type.getFullName());
        return seed == null ? empty : seed.apply(empty);
    }
}
