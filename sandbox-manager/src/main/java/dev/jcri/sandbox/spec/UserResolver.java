package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.FileTooLargeException;
import dev.jcri.linux.RootDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a user string ("", "name", "uid", "name:group", "uid:gid") into numeric IDs by reading the
 * container's own /etc/passwd and /etc/group, the way containerd does: a numeric ID needs no entry,
 * a name must have one; the primary group comes from passwd (0 without an entry); supplementary
 * groups are the groups naming the user, plus the requested ones.
 *
 * <p>The files are the image's, read from the container's rootfs with every path resolved inside
 * it ({@link RootDirectory}): an image whose /etc/passwd links to "/etc/shadow" or
 * "/proc/self/root/etc/passwd" gets its own file or none, never the host's. Each read is bounded.
 */
final class UserResolver {
    static final long MAX_ID = 0xFFFF_FFFFL; // uid_t/gid_t are 32 bits; (uid_t)-1 is reserved
    /**
     * The most bytes of /etc/passwd or /etc/group read from an image (some 15,000 accounts): the
     * read stops there, so an image cannot fill the daemon's heap with its account files.
     */
    static final int MAX_ACCOUNT_FILE_BYTES = 1 << 20;
    private UserResolver() {}

    record PasswdEntry(String name, long uid, long gid, String home) {}

    record GroupEntry(String name, long gid, List<String> members) {}

    /**
     * @param user                the user string ("" = root)
     * @param field               the request field the string came from, for error messages
     * @param requestedGroups     supplemental_groups from the security context
     * @param strict              supplemental_groups_policy Strict: ignore the rootfs' /etc/group memberships
     */
    static ResolvedUser resolve(Path rootfs, String user, String field, List<Long> requestedGroups, boolean strict)
            throws JcriException {
        List<PasswdEntry> passwd;
        List<GroupEntry> groups;
        try (RootDirectory root = RootDirectory.open(rootfs)) {
            passwd = parsePasswd(read(root, "/etc/passwd"));
            groups = parseGroup(read(root, "/etc/group"));
        } catch (FileTooLargeException e) {
            throw JcriException.invalidArgument(field, "the image's " + e.getMessage(), e);
        } catch (IOException e) {
            throw JcriException.invalidArgument(field, "cannot read the image's /etc/passwd or /etc/group: " + e.getMessage(), e);
        }
        String[] parts = user.isEmpty() ? new String[] {"0"} : user.split(":", -1);
        if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
            throw JcriException.invalidArgument(field, "invalid user \"" + user + "\" (want name, uid, name:group or uid:gid)");
        }
        long uid;
        long gid;
        PasswdEntry entry;
        Long numericUid = parseId(parts[0], field);
        if (numericUid != null) {
            uid = numericUid;
            entry = passwd.stream().filter(p -> p.uid() == numericUid).findFirst().orElse(null);
        } else {
            entry = passwd.stream().filter(p -> p.name().equals(parts[0])).findFirst()
                    .orElseThrow(() -> JcriException.invalidArgument(field,
                            "user \"" + parts[0] + "\" not found in the image's /etc/passwd"));
            uid = entry.uid();
        }
        if (parts.length == 2) {
            Long numericGid = parseId(parts[1], field);
            if (numericGid != null) {
                gid = numericGid;
            } else {
                gid = groups.stream().filter(g -> g.name().equals(parts[1])).findFirst()
                        .orElseThrow(() -> JcriException.invalidArgument(field,
                                "group \"" + parts[1] + "\" not found in the image's /etc/group"))
                        .gid();
            }
        } else {
            gid = entry != null ? entry.gid() : 0;
        }
        Set<Long> additional = new LinkedHashSet<>();
        additional.add(gid);
        String username = entry != null ? entry.name() : null;
        if (!strict && username != null) {
            for (GroupEntry g : groups) {
                if (g.members().contains(username)) {
                    additional.add(g.gid());
                }
            }
        }
        for (Long g : requestedGroups) {
            if (g < 0 || g > MAX_ID) {
                throw JcriException.invalidArgument("linux.security_context.supplemental_groups", "group ID " + g + " out of range");
            }
            additional.add(g);
        }
        return new ResolvedUser(uid, gid, new ArrayList<>(additional), username);
    }

    /** The file's text, "" when the image has no such regular file. */
    private static String read(RootDirectory root, String file) throws IOException {
        // Decoded leniently: one odd byte in a GECOS field must not make the whole file unreadable.
        return root.readRegularFile(file, MAX_ACCOUNT_FILE_BYTES).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    }

    /** The number if {@code s} is all digits, null if it is a name. */
    private static Long parseId(String s, String field) throws JcriException {
        if (!s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            long v = Long.parseLong(s);
            if (v <= MAX_ID - 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // too long: reported below
        }
        throw JcriException.invalidArgument(field, "ID " + s + " out of range");
    }

    static List<PasswdEntry> parsePasswd(String text) {
        List<PasswdEntry> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = fields(line);
            if (f == null || f.length < 4) {
                continue;
            }
            Optional<Long> uid = number(f[2]);
            Optional<Long> gid = number(f[3]);
            if (uid.isPresent() && gid.isPresent()) {
                out.add(new PasswdEntry(f[0], uid.get(), gid.get(), f.length > 5 ? f[5] : ""));
            }
        }
        return out;
    }

    static List<GroupEntry> parseGroup(String text) {
        List<GroupEntry> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = fields(line);
            if (f == null || f.length < 3) {
                continue;
            }
            Optional<Long> gid = number(f[2]);
            if (gid.isEmpty()) {
                continue;
            }
            List<String> members = new ArrayList<>();
            if (f.length > 3) {
                for (String m : f[3].split(",")) {
                    if (!m.isBlank()) {
                        members.add(m.trim());
                    }
                }
            }
            out.add(new GroupEntry(f[0], gid.get(), members));
        }
        return out;
    }

    /** The colon-separated fields, or null for blank, comment and NIS ("+"/"-") lines. */
    private static String[] fields(String line) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#") || l.startsWith("+") || l.startsWith("-")) {
            return null;
        }
        return l.split(":", -1);
    }

    private static Optional<Long> number(String s) {
        try {
            long v = Long.parseLong(s.trim());
            return v >= 0 && v <= MAX_ID ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
