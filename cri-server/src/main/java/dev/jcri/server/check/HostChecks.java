package dev.jcri.server.check;

import dev.jcri.linux.MountFlags;
import dev.jcri.linux.Mounts;
import dev.jcri.linux.ProcFiles;
import dev.jcri.sandbox.RuntimeBinaries;
import dev.jcri.sandbox.cgroup.CgroupDriver;
import dev.jcri.sandbox.cgroup.CgroupLayout;
import dev.jcri.sandbox.cgroup.CgroupMode;
import dev.jcri.sandbox.cgroup.Hierarchy;
import dev.jcri.sandbox.spec.HostFeatures;
import dev.jcri.sandbox.util.Trees;
import dev.jcri.linux.ChildProcess;
import dev.jcri.linux.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The node's kernel side: privileges, kernel release, overlayfs (really mounted once, on the
 * filesystem jcri's root lives on, because overlay refuses some upper filesystems, such as
 * another overlay or xfs without d_type), cgroups against the configured driver, idmapped mounts
 * and CRIU.
 */
final class HostChecks {

    /** The v2 controllers kubelet's QoS cgroups and pod limits need. */
    private static final List<String> NEEDED_CONTROLLERS = List.of("cpu", "memory", "pids");

    private HostChecks() {}

    static CheckResult privileges() {
        String uid = statusField("Uid:");
        return uid.equals("0") ? CheckResult.ok("privileges", "running as root")
                : CheckResult.fail("privileges", "running as uid " + uid,
                        "run jcri (and this check) as root: it mounts, creates namespaces and cgroups");
    }

    static CheckResult kernel(HostFeatures host) {
        String release = host.kernelRelease();
        if (!HostFeatures.kernelAtLeast(release, 4, 19)) {
            return CheckResult.fail("kernel", release, "use Linux 4.19 or later (overlayfs, cgroup and namespace features jcri uses)");
        }
        if (!host.recursiveReadOnlyMounts()) {
            return CheckResult.warn("kernel", release + ": no recursive read-only mounts (5.12+)",
                    "upgrade to 5.12+ or expect volumes with recursiveReadOnly to be refused");
        }
        return CheckResult.ok("kernel", release);
    }

    /** Mounts a one-layer overlay in a scratch directory under {@code root} (or its nearest existing parent). */
    static CheckResult overlay(Path root) {
        if (!ProcFiles.readTrimmedOrEmpty(Path.of("/proc/filesystems")).contains("\toverlay")) {
            return CheckResult.fail("overlayfs", "the kernel has no overlay filesystem loaded", "modprobe overlay (and add it to /etc/modules-load.d)");
        }
        Path base = root.toAbsolutePath();
        while (base.getParent() != null && !Files.isDirectory(base)) {
            base = base.getParent();
        }
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory(base, ".jcri-check-");
            for (String d : List.of("lower", "upper", "work", "merged")) {
                Files.createDirectory(scratch.resolve(d));
            }
            Files.writeString(scratch.resolve("lower/probe"), "x");
            Path merged = scratch.resolve("merged");
            Mounts.mount("overlay", merged, "overlay", 0, "lowerdir=" + scratch.resolve("lower") + ",upperdir="
                    + scratch.resolve("upper") + ",workdir=" + scratch.resolve("work"));
            try {
                Files.writeString(merged.resolve("probe"), "y"); // copy-up: the upper filesystem really works
            } finally {
                Mounts.unmount(merged, MountFlags.MNT_DETACH);
            }
            return CheckResult.ok("overlayfs", "mounted an overlay on " + base);
        } catch (IOException e) {
            return CheckResult.fail("overlayfs", "an overlay on " + base + " failed: " + e.getMessage(),
                    "put root on ext4, or xfs with ftype=1 (not on another overlay or tmpfs without xattrs)");
        } finally {
            if (scratch != null) {
                try {
                    Trees.deleteUnlessMounted(scratch); // never through the overlay, should its unmount have failed
                } catch (IOException e) {
                    // a scratch directory named .jcri-check-* is all that can stay
                }
            }
        }
    }

    static CheckResult cgroups(String configuredDriver) {
        CgroupLayout layout;
        try {
            layout = CgroupLayout.detect();
        } catch (IOException e) {
            return CheckResult.fail("cgroups", "cannot read the mount table: " + e.getMessage(), "mount /proc");
        }
        CgroupDriver driver = CgroupDriver.fromConfig(configuredDriver);
        String drv = "driver " + driver.name().toLowerCase(java.util.Locale.ROOT) + ("auto".equals(configuredDriver) ? " (auto)" : "");
        if (driver == CgroupDriver.SYSTEMD && !Files.isDirectory(Path.of("/run/systemd/system"))) {
            return CheckResult.fail("cgroups", drv + " but systemd does not run this node",
                    "set cgroup_driver = \"cgroupfs\" (and kubelet's cgroupDriver to match)");
        }
        List<String> missing = new ArrayList<>();
        for (String c : NEEDED_CONTROLLERS) {
            boolean present = layout.mode() == CgroupMode.UNIFIED
                    ? layout.unified().map(Hierarchy::controllers).orElse(Set.of()).contains(c)
                    : layout.v1Hierarchy(c).isPresent();
            if (!present) {
                missing.add(c);
            }
        }
        String found = (layout.mode() == CgroupMode.UNIFIED ? "v2" : "v1 (" + layout.mode().name().toLowerCase(java.util.Locale.ROOT) + ")")
                + ", " + drv + "; kubelet's cgroupDriver must be " + driver.name().toLowerCase(java.util.Locale.ROOT);
        if (!missing.isEmpty()) {
            return CheckResult.fail("cgroups", found + "; controllers missing: " + missing,
                    "enable them (kernel command line cgroup_enable=..., or systemd's delegation)");
        }
        if (layout.mode() != CgroupMode.UNIFIED) {
            return CheckResult.warn("cgroups", found,
                    "prefer cgroup v2 (systemd.unified_cgroup_hierarchy=1): kubelet 1.35+ refuses v1 unless failCgroupV1 is false");
        }
        return CheckResult.ok("cgroups", found);
    }

    /** Idmapped mounts (mount_setattr, 5.12) and on overlayfs (5.19): what user-namespaced pods will need. */
    static CheckResult idmappedMounts(HostFeatures host) {
        String release = host.kernelRelease();
        if (HostFeatures.kernelAtLeast(release, 5, 19)) {
            return CheckResult.ok("idmapped mounts", "supported, overlayfs included (kernel 5.19+)");
        }
        return CheckResult.warn("idmapped mounts", "kernel " + release + " lacks idmapped overlay mounts (5.19+)",
                "pods with hostUsers: false need a 5.19+ kernel (jcri refuses them today either way)");
    }

    static CheckResult criu() {
        var criu = RuntimeBinaries.find("criu");
        if (criu.isEmpty()) {
            return CheckResult.warn("criu", "not installed", "apt install criu, for CheckpointContainer (refused with FAILED_PRECONDITION without it)");
        }
        return CheckResult.ok("criu", criu.get() + " " + firstLine(criu.get(), "--version"));
    }

    /** The first line a binary prints for {@code flag} (its version), or "" when it does not answer. */
    static String firstLine(Path binary, String flag) {
        try {
            ProcessResult r = ChildProcess.command(binary.toString(), flag).timeout(Duration.ofSeconds(10))
                    .outputLimit(16 * 1024).run();
            String out = r.stdoutText().isBlank() ? r.stderrText() : r.stdoutText();
            return out.strip().lines().findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static String statusField(String field) {
        return ProcFiles.readTrimmedOrEmpty(Path.of("/proc/self/status")).lines()
                .filter(l -> l.startsWith(field)).map(l -> l.substring(field.length()).strip().split("\\s+")[0])
                .findFirst().orElse("?");
    }
}
