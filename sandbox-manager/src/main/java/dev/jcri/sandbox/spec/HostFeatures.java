package dev.jcri.sandbox.spec;

import dev.jcri.sandbox.cgroup.CgroupLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Facts about the node (and the OCI runtime) that change how a spec is written. Kept apart from
 * {@link SpecInput} so that tests can state them and the daemon detects them once.
 *
 * @param appArmorEnabled         the kernel has AppArmor enabled (process.apparmorProfile is honoured)
 * @param swapAccounting          the memory controller can limit swap (cgroup v1 memory.memsw.*,
 *                                v2 memory.swap.max); without it runc fails when linux.resources.memory.swap is set
 * @param recursiveReadOnlyMounts the OCI runtime and kernel (5.12+, mount_setattr) support the "rro" option
 * @param seccomp                 the OCI runtime applies seccomp filters (a request for one is refused otherwise)
 * @param selinuxEnabled          SELinux runs on the node (jcri applies no labels, so it refuses requests for them)
 * @param lastCapability          the kernel's highest capability number (/proc/sys/kernel/cap_last_cap)
 * @param seccompArchitectures    the SCMP_ARCH_* values a default seccomp profile covers on this machine
 * @param devDirectory            where host devices are found for privileged containers (normally /dev)
 * @param kernelRelease           uname -r (seccomp rules can depend on the kernel version)
 * @param arch                    the node's architecture as Go names it ("amd64", "arm64": seccomp profiles use these)
 */
public record HostFeatures(boolean appArmorEnabled, boolean swapAccounting, boolean recursiveReadOnlyMounts,
                           boolean seccomp, boolean selinuxEnabled, int lastCapability, java.util.List<String> seccompArchitectures, Path devDirectory,
                           String kernelRelease, String arch) {

    public HostFeatures {
        seccompArchitectures = java.util.List.copyOf(seccompArchitectures);
    }

    private static volatile HostFeatures detected;

    /**
     * The facts of this machine, read once. What the OCI runtime adds is not known here: rro and
     * seccomp are the kernel's answer, to be narrowed per handler with what each runtime reports
     * (a pod's runtime handler decides what its containers can have).
     */
    public static HostFeatures detect() {
        HostFeatures h = detected;
        if (h == null) {
            String release = readTrimmed(Path.of("/proc/sys/kernel/osrelease"));
            h = new HostFeatures(
                    readTrimmed(Path.of("/sys/module/apparmor/parameters/enabled")).startsWith("Y"),
                    hostSwapAccounting(),
                    kernelAtLeast(release, 5, 12),
                    true,
                    Files.exists(Path.of("/sys/fs/selinux/enforce")),
                    parseOr(readTrimmed(Path.of("/proc/sys/kernel/cap_last_cap")), CapabilitySets.CAP_CHECKPOINT_RESTORE),
                    seccompArchitecturesFor(System.getProperty("os.arch")),
                    Path.of("/dev"),
                    release,
                    SeccompProfiles.goArch(System.getProperty("os.arch")));
            detected = h;
        }
        return h;
    }

    /** For a runtime without the "rro" mount option (`runc features` lists its mount options). */
    public HostFeatures withRecursiveReadOnlyMounts(boolean supported) {
        return new HostFeatures(appArmorEnabled, swapAccounting, supported, seccomp, selinuxEnabled,
                lastCapability, seccompArchitectures, devDirectory, kernelRelease, arch);
    }

    /**
     * What containers of one runtime handler can have here: the node's facts narrowed by what its
     * OCI runtime can do (recursive read-only mounts, seccomp, AppArmor).
     */
    public HostFeatures narrowedBy(boolean runtimeRro, boolean runtimeSeccomp, boolean runtimeAppArmor) {
        return new HostFeatures(appArmorEnabled && runtimeAppArmor, swapAccounting, recursiveReadOnlyMounts && runtimeRro,
                seccomp && runtimeSeccomp, selinuxEnabled, lastCapability, seccompArchitectures, devDirectory,
                kernelRelease, arch);
    }

    public HostFeatures withAppArmor(boolean enabled) {
        return new HostFeatures(enabled, swapAccounting, recursiveReadOnlyMounts, seccomp, selinuxEnabled,
                lastCapability, seccompArchitectures, devDirectory, kernelRelease, arch);
    }

    public HostFeatures withSwapAccounting(boolean enabled) {
        return new HostFeatures(appArmorEnabled, enabled, recursiveReadOnlyMounts, seccomp, selinuxEnabled,
                lastCapability, seccompArchitectures, devDirectory, kernelRelease, arch);
    }

    public HostFeatures withDevDirectory(Path dir) {
        return new HostFeatures(appArmorEnabled, swapAccounting, recursiveReadOnlyMounts, seccomp, selinuxEnabled,
                lastCapability, seccompArchitectures, dir, kernelRelease, arch);
    }

    /**
     * The native architecture plus the compat ones its kernel runs (32-bit x86 and x32 binaries on
     * x86_64, arm on aarch64): a filter that named only the native one would let a 32-bit binary
     * bypass it through the other syscall table.
     */
    static java.util.List<String> seccompArchitecturesFor(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> java.util.List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
            case "aarch64", "arm64" -> java.util.List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
            case "ppc64le" -> java.util.List.of("SCMP_ARCH_PPC64LE");
            case "s390x" -> java.util.List.of("SCMP_ARCH_S390X", "SCMP_ARCH_S390");
            case "riscv64" -> java.util.List.of("SCMP_ARCH_RISCV64");
            default -> java.util.List.of();
        };
    }

    public static boolean kernelAtLeast(String release, int major, int minor) {
        String[] parts = release.split("[.-]");
        if (parts.length < 2) {
            return false;
        }
        int ma = parseOr(parts[0], 0);
        int mi = parseOr(parts[1], 0);
        return ma > major || (ma == major && mi >= minor);
    }

    private static boolean hostSwapAccounting() {
        try {
            return CgroupLayout.detect().swapAccounting();
        } catch (IOException e) {
            return false; // no mount table: nothing to account with
        }
    }

    /**
     * The first 4 KiB of a /proc or /sys file in ONE read(2). Files.readString is wrong for
     * /proc/sys: the file reports size 0, the JDK reads a first byte and then continues at offset 1,
     * where sysctl handlers answer EOF — "40" comes back as "4".
     */
    static String readTrimmed(Path p) {
        return dev.jcri.linux.ProcFiles.readTrimmedOrEmpty(p);
    }

    private static int parseOr(String s, int fallback) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
