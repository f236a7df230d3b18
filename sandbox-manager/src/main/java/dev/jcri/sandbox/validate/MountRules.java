package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import runtime.v1.Api;

/**
 * A container's request mounts and its masked and read-only paths, checked as runc checks them
 * before it would fail the container: a mount destination inside /proc is refused but for the files
 * lxcfs emulates, and /proc itself takes only the host's /proc; the runtime's own /proc/self and
 * the root cannot be masked or made read-only (runc's setup runs through them).
 */
public final class MountRules {

    private static final String SC = "config.linux.security_context.";
    /** The files under /proc runc lets a mount cover (those lxcfs emulates). */
    private static final Set<String> PROC_FILES = Set.of("/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",
            "/proc/stat", "/proc/swaps", "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev",
            "/proc/sys/kernel/ns_last_pid");

    private MountRules() {}

    /**
     * An image volume (KEP-4639): the image's files, read-only, from the snapshotter; no host path
     * (it would be ambiguous which one is mounted), and a sub path relative inside the image.
     */
    private static void imageMount(String field, Api.Mount m) throws JcriException {
        if (!m.getHostPath().isEmpty()) {
            throw JcriException.invalidArgument(field + ".host_path", "must be empty for an image volume (image is set)");
        }
        if (!m.getReadonly()) { // the CRI says runtimes should refuse it rather than mount read-only silently
            throw JcriException.invalidArgument(field + ".readonly", "must be true for an image volume (image is set)");
        }
        String sub = m.getImageSubPath();
        if (!sub.isEmpty()) {
            TextRules.noNul(field + ".image_sub_path", sub);
            if (sub.startsWith("/") || List.of(sub.split("/")).contains("..")) {
                throw JcriException.invalidArgument(field + ".image_sub_path",
                        "must be a path inside the image, relative and without \"..\": \"" + TextRules.shown(sub) + "\"");
            }
        }
        if (m.getPropagation() != Api.MountPropagation.PROPAGATION_PRIVATE) {
            throw JcriException.invalidArgument(field + ".propagation", "an image volume takes private propagation only");
        }
    }

    /** The request's mounts (the host side's existence is the spec builder's: it creates a missing one). */
    public static void mounts(List<Api.Mount> mounts) throws JcriException {
        Set<String> destinations = new HashSet<>();
        for (int i = 0; i < mounts.size(); i++) {
            Api.Mount m = mounts.get(i);
            String field = "config.mounts[" + i + "]";
            boolean image = m.hasImage() && !m.getImage().getImage().isEmpty();
            if (image) {
                imageMount(field, m);
            } else if (!m.getImageSubPath().isEmpty()) {
                throw JcriException.invalidArgument(field + ".image_sub_path", "is only valid with image");
            }
            if (m.getUidMappingsCount() > 0 || m.getGidMappingsCount() > 0) {
                throw JcriException.invalidArgument(field + ".uidMappings", "ID-mapped mounts are not supported");
            }
            String destination = destination(field + ".container_path", m.getContainerPath());
            if (!destinations.add(destination)) {
                throw JcriException.invalidArgument(field + ".container_path", "duplicate mount destination " + destination);
            }
            String source = image ? "/" : TextRules.absolutePath(field + ".host_path", m.getHostPath());
            if (destination.startsWith("/proc/") && !PROC_FILES.contains(destination)) {
                throw JcriException.invalidArgument(field + ".container_path", destination
                        + " is inside /proc: only " + String.join(", ", PROC_FILES.stream().sorted().toList()) + " may be covered");
            }
            if (destination.equals("/proc") && !TextRules.clean(source).equals("/proc")) {
                throw JcriException.invalidArgument(field + ".container_path", "only the host's /proc may be mounted at /proc");
            }
            if (m.getPropagation() == Api.MountPropagation.UNRECOGNIZED) {
                throw JcriException.invalidArgument(field + ".propagation", "unknown propagation " + m.getPropagationValue());
            }
            if (m.getRecursiveReadOnly()) {
                if (!m.getReadonly()) {
                    throw JcriException.invalidArgument(field + ".recursive_read_only", "needs readonly to be set");
                }
                if (m.getPropagation() != Api.MountPropagation.PROPAGATION_PRIVATE) {
                    throw JcriException.invalidArgument(field + ".recursive_read_only", "needs private propagation");
                }
            }
        }
    }

    /** A mount destination, cleaned ("/a/./b/../c/" → "/a/c"); the container's root is refused. */
    public static String destination(String field, String path) throws JcriException {
        String cleaned = TextRules.clean(TextRules.absolutePath(field, path));
        if (cleaned.equals("/")) {
            throw JcriException.invalidArgument(field, "cannot mount over the container's root");
        }
        return cleaned;
    }

    /** masked_paths and readonly_paths of the security context. */
    public static void maskedAndReadonly(Api.LinuxContainerSecurityContext sc) throws JcriException {
        paths(SC + "masked_paths", sc.getMaskedPathsList());
        paths(SC + "readonly_paths", sc.getReadonlyPathsList());
    }

    private static void paths(String field, List<String> paths) throws JcriException {
        for (int i = 0; i < paths.size(); i++) {
            String entry = field + "[" + i + "]";
            String cleaned = TextRules.clean(TextRules.absolutePath(entry, paths.get(i)));
            if (cleaned.equals("/") || cleaned.equals("/proc") || under(cleaned, "/proc/self") || under(cleaned, "/proc/thread-self")) {
                throw JcriException.invalidArgument(entry, cleaned + " is where the runtime sets the container up: it cannot be"
                        + " masked or made read-only");
            }
        }
    }

    private static boolean under(String path, String dir) {
        return path.equals(dir) || path.startsWith(dir + "/");
    }
}
