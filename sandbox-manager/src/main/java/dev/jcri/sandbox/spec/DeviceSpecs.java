package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.validate.TextRules;
import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import runtime.v1.Api;

/**
 * linux.devices (nodes the runtime creates in the container's /dev) and the device cgroup rules
 * of linux.resources.devices.
 *
 * <p>Unprivileged: deny everything, then allow each requested device; runc and crun add their
 * own defaults after these rules (null, zero, full, tty, random, urandom, /dev/pts, ptmx) and
 * create those nodes, as containerd relies on. Privileged: allow all, and every device of the
 * host's /dev is created (containerd's behaviour), minus the ones the container gets its own of.
 */
final class DeviceSpecs {
    private DeviceSpecs() {}

    record Result(List<OciSpec.Device> devices, List<OciSpec.DeviceRule> rules) {}

    /** Directories of /dev that are per-container mounts or not devices at all. */
    private static final Set<String> SKIP_DIRS = Set.of("pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev");

    static Result of(List<Api.Device> requested, boolean privileged, Path hostDev) throws JcriException {
        Map<String, OciSpec.Device> devices = new LinkedHashMap<>();
        List<OciSpec.DeviceRule> rules = new ArrayList<>();
        if (privileged) {
            rules.add(new OciSpec.DeviceRule(true, null, null, null, "rwm"));
            try {
                for (OciSpec.Device d : hostDevices(hostDev, hostDev, "/dev")) {
                    devices.put(d.path(), d);
                }
            } catch (IOException e) {
                // The host's /dev is not the container's fault; a privileged container without
                // some nodes is better than refusing it with a misleading INVALID_ARGUMENT.
                org.slf4j.LoggerFactory.getLogger(DeviceSpecs.class).warn("listing host devices under {}: {}", hostDev, e.toString());
            }
        } else {
            rules.add(new OciSpec.DeviceRule(false, null, null, null, "rwm"));
        }
        for (int i = 0; i < requested.size(); i++) {
            Api.Device r = requested.get(i);
            String field = "config.devices[" + i + "]";
            // the request's form was checked before (ContainerConfigRules): here, what the host has
            String permissions = r.getPermissions().isEmpty() ? "rwm" : r.getPermissions();
            String containerPath = TextRules.clean(r.getContainerPath().isEmpty() ? r.getHostPath() : r.getContainerPath());
            Path host = Path.of(r.getHostPath());
            List<OciSpec.Device> found;
            try {
                Path real = host.toRealPath();
                found = Files.isDirectory(real)
                        ? hostDevices(real, real, containerPath)
                        : List.of(device(real, containerPath).orElseThrow(() -> JcriException.invalidArgument(
                                field + ".host_path", r.getHostPath() + " is not a device node")));
            } catch (IOException e) {
                throw JcriException.invalidArgument(field + ".host_path", "cannot use " + r.getHostPath() + ": " + e.getMessage(), e);
            }
            for (OciSpec.Device d : found) {
                devices.put(d.path(), d);
                if (!privileged) {
                    rules.add(new OciSpec.DeviceRule(true, d.type(), d.major(), d.minor(), permissions));
                }
            }
        }
        return new Result(List.copyOf(devices.values()), List.copyOf(rules));
    }

    /** Character and block devices under {@code dir}, named under {@code prefix} in the container. */
    static List<OciSpec.Device> hostDevices(Path top, Path dir, String prefix) throws IOException {
        List<OciSpec.Device> out = new ArrayList<>();
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        }
        for (Path p : entries) {
            String name = p.getFileName().toString();
            String containerPath = prefix + "/" + name;
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                if (!(dir.equals(top) && SKIP_DIRS.contains(name))) {
                    out.addAll(hostDevices(top, p, containerPath));
                }
                continue;
            }
            // The container gets its own console (from the runtime) and its own ptmx (devpts).
            if (dir.equals(top) && (name.equals("console") || name.equals("ptmx"))) {
                continue;
            }
            device(p, containerPath).ifPresent(out::add);
        }
        return out;
    }

    /** The device at {@code host} (not following a final symlink), or empty if it is no device. */
    static java.util.Optional<OciSpec.Device> device(Path host, String containerPath) throws IOException {
        FileStatus st = PosixFiles.lstat(host);
        String type = switch (st.type()) {
            case FileStatus.S_IFCHR -> "c";
            case FileStatus.S_IFBLK -> "b";
            default -> null;
        };
        // 0:0 character devices are overlay whiteouts, never real devices.
        if (type == null || (st.rdevMajor() == 0 && st.rdevMinor() == 0)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new OciSpec.Device(type, containerPath, st.rdevMajor(), st.rdevMinor(),
                st.permissions() & 0777, (long) st.uid(), (long) st.gid()));
    }
}
