package dev.jcri.sandbox.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jcri.json.Json;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * An OCI runtime spec (config.json, runtime-spec 1.0.2) as far as jcri writes one. Component names
 * are the JSON field names of the spec; absent (null) and empty values are left out, because the
 * runtimes treat a missing field as "not set" while an empty object can mean "set to zero".
 * Numeric resource fields are boxed for the same reason.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record OciSpec(
        String ociVersion,
        Process process,
        Root root,
        String hostname,
        List<Mount> mounts,
        Map<String, String> annotations,
        Linux linux,
        Hooks hooks) {

    /** Without hooks (jcri adds hooks only for CDI devices that ask for them). */
    public OciSpec(String ociVersion, Process process, Root root, String hostname, List<Mount> mounts,
            Map<String, String> annotations, Linux linux) {
        this(ociVersion, process, root, hostname, mounts, annotations, linux, null);
    }

    /** runc 1.1 reports 1.0.2-dev as its maximum; crun accepts every 1.0.x. */
    public static final String OCI_VERSION = "1.0.2-dev";

    /** Any part of a spec as JSON (e.g. {@link Resources} for the runtime's update command). */
    static byte[] toJson(Object part) {
        try {
            return Json.prettyWriter().writeValueAsBytes(part);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("spec part not serialisable", e);
        }
    }

    /** config.json bytes (UTF-8, indented so that a human can read a bundle). */
    public byte[] toJson() {
        try {
            return Json.prettyWriter().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // records of strings and numbers always serialise
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @SuppressWarnings("AvoidCommonTypeNames") // the OCI runtime spec's name for it
    public record Process(
            Boolean terminal,
            User user,
            List<String> args,
            List<String> env,
            String cwd,
            Capabilities capabilities,
            List<Rlimit> rlimits,
            Boolean noNewPrivileges,
            String apparmorProfile,
            // NON_NULL: an oomScoreAdj of 0 is a value kubelet asked for, not "unset".
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer oomScoreAdj) {}

    /** additionalGids is always written: an empty list clears the groups runc would otherwise keep. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record User(long uid, long gid, List<Long> additionalGids) {}

    /** All five sets are written even when empty: a missing set and an empty one differ to runc. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Capabilities(List<String> bounding, List<String> effective, List<String> inheritable,
                               List<String> permitted, List<String> ambient) {}

    public record Rlimit(String type, long hard, long soft) {}

    public record Root(String path, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean readonly) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Mount(String destination, String type, String source, List<String> options) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Linux(
            List<Namespace> namespaces,
            Resources resources,
            String cgroupsPath,
            Map<String, String> sysctl,
            Seccomp seccomp,
            List<Device> devices,
            String rootfsPropagation,
            List<String> maskedPaths,
            List<String> readonlyPaths,
            List<IdMapping> uidMappings,
            List<IdMapping> gidMappings) {

        /** Without a user namespace: no mappings. */
        public Linux(List<Namespace> namespaces, Resources resources, String cgroupsPath, Map<String, String> sysctl,
                Seccomp seccomp, List<Device> devices, String rootfsPropagation, List<String> maskedPaths,
                List<String> readonlyPaths) {
            this(namespaces, resources, cgroupsPath, sysctl, seccomp, devices, rootfsPropagation, maskedPaths,
                    readonlyPaths, null, null);
        }
    }

    /** OCI lifecycle hooks, by the point of the life cycle they run at (runtime-spec "hooks"). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Hooks(List<Hook> prestart, List<Hook> createRuntime, List<Hook> createContainer,
                        List<Hook> startContainer, List<Hook> poststart, List<Hook> poststop) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Hook(String path, List<String> args, List<String> env,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer timeout) {}

    /** A uid or gid mapping of the container's user namespace (JSON names as in the spec). */
    public record IdMapping(
            @com.fasterxml.jackson.annotation.JsonProperty("containerID") long containerId,
            @com.fasterxml.jackson.annotation.JsonProperty("hostID") long hostId,
            long size) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Namespace(String type, String path) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Resources(
            List<DeviceRule> devices,
            Memory memory,
            Cpu cpu,
            Pids pids,
            List<HugepageLimit> hugepageLimits,
            Map<String, String> unified) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memory(Long limit, Long reservation, Long swap) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Cpu(Long shares, Long quota, Long period, String cpus, String mems) {}

    public record Pids(long limit) {}

    public record HugepageLimit(String pageSize, long limit) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Device(String type, String path, long major, long minor, Integer fileMode, Long uid, Long gid) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Seccomp(
            String defaultAction,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer defaultErrnoRet,
            List<String> architectures,
            List<String> flags,
            String listenerPath,
            String listenerMetadata,
            List<Syscall> syscalls) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Syscall(
            List<String> names,
            String action,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer errnoRet,
            List<SyscallArg> args) {}

    /** value/valueTwo are uint64 in the spec (masks like 0xffffffffffffffff do not fit a long). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SyscallArg(long index, java.math.BigInteger value, java.math.BigInteger valueTwo, String op) {}
}
