package dev.jcri.sandbox.spec;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One CDI spec file as the Container Device Interface specification defines it (JSON field names
 * of SPEC.md): a {@code kind} ("vendor.com/class"), its {@code devices} and the {@code containerEdits}
 * every container using one of them gets. Unknown fields are read past: a newer spec version must
 * still load. {@code intelRdt} and {@code netDevices} are read so that a device needing them is
 * refused when asked for, rather than handed over without what makes it work.
 */
record CdiSpec(String cdiVersion, String kind, List<Device> devices, Edits containerEdits) {

    CdiSpec {
        devices = devices == null ? List.of() : List.copyOf(devices);
        containerEdits = containerEdits == null ? Edits.NONE : containerEdits;
    }

    record Device(String name, Edits containerEdits) {
        Device {
            containerEdits = containerEdits == null ? Edits.NONE : containerEdits;
        }
    }

    /** What a device (or the whole spec) adds to the container's OCI spec. */
    record Edits(List<String> env, List<DeviceNode> deviceNodes, List<Mount> mounts, List<Hook> hooks,
                 List<Long> additionalGids, JsonNode intelRdt, JsonNode netDevices) {
        static final Edits NONE = new Edits(null, null, null, null, null, null, null);

        Edits {
            env = env == null ? List.of() : List.copyOf(env);
            deviceNodes = deviceNodes == null ? List.of() : List.copyOf(deviceNodes);
            mounts = mounts == null ? List.of() : List.copyOf(mounts);
            hooks = hooks == null ? List.of() : List.copyOf(hooks);
            additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
        }
    }

    /**
     * A device node: {@code path} in the container; type, major and minor default to those of
     * {@code hostPath} (or {@code path}) on the host; permissions ("rwm" subset) default to "rwm".
     */
    record DeviceNode(String path, String hostPath, String type, Long major, Long minor, Integer fileMode,
                      String permissions, Long uid, Long gid) {}

    record Mount(String hostPath, String containerPath, String type, List<String> options) {}

    /** {@code hookName} is the OCI hook point: prestart, createRuntime, createContainer, startContainer, poststart, poststop. */
    record Hook(String hookName, String path, List<String> args, List<String> env, Integer timeout) {}
}
