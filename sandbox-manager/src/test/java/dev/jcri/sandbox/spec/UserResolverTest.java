package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserResolverTest {
    @TempDir Path dir;

    private ResolvedUser resolve(String user) throws Exception {
        return UserResolver.resolve(TestInputs.rootfs(dir), user, "f", List.of(), false);
    }

    @Test
    void emptyIsRoot() throws Exception {
        ResolvedUser u = resolve("");
        assertEquals(0, u.uid());
        assertEquals(0, u.gid());
        assertEquals(List.of(0L), u.additionalGids());
        assertEquals("root", u.username());
    }

    @Test
    void nameGetsPrimaryGroupAndMemberships() throws Exception {
        ResolvedUser u = resolve("app");
        assertEquals(1000, u.uid());
        assertEquals(1001, u.gid());
        assertEquals(List.of(1001L, 44L, 29L), u.additionalGids());
    }

    @Test
    void numericUidWithEntryIsLookedUpForGroups() throws Exception {
        ResolvedUser u = resolve("101");
        assertEquals(101, u.gid());
        assertEquals(List.of(101L, 44L), u.additionalGids());
    }

    @Test
    void numericUidWithoutEntryIsFineAndGetsGroupZero() throws Exception {
        ResolvedUser u = resolve("4242");
        assertEquals(4242, u.uid());
        assertEquals(0, u.gid());
        assertNull(u.username());
    }

    @Test
    void numericIdsNeedNoFilesAtAll() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        ResolvedUser u = UserResolver.resolve(empty, "1234:5678", "f", List.of(9L), false);
        assertEquals(1234, u.uid());
        assertEquals(5678, u.gid());
        assertEquals(List.of(5678L, 9L), u.additionalGids());
    }

    @Test
    void userAndGroupNames() throws Exception {
        ResolvedUser u = resolve("app:staff");
        assertEquals(1000, u.uid());
        assertEquals(50, u.gid());
        assertEquals(List.of(50L, 44L, 29L), u.additionalGids());
        assertEquals(0, resolve("0:0").gid());
        assertEquals(44, resolve("nginx:video").gid());
    }

    @Test
    void unknownNamesAreInvalidAndNamed() {
        var e = assertThrows(JcriException.class, () -> resolve("nobody"));
        assertEquals("f", e.field());
        assertTrue(e.getMessage().contains("\"nobody\""), e.getMessage());
        var g = assertThrows(JcriException.class, () -> resolve("app:wheel"));
        assertTrue(g.getMessage().contains("\"wheel\""));
        assertThrows(JcriException.class, () -> resolve("a:b:c"));
        assertThrows(JcriException.class, () -> resolve("app:"));
    }

    @Test
    void strictPolicyIgnoresEtcGroupMemberships() throws Exception {
        ResolvedUser u = UserResolver.resolve(TestInputs.rootfs(dir), "app", "f", List.of(7L, 1001L), true);
        assertEquals(List.of(1001L, 7L), u.additionalGids());
    }

    @Test
    void mergePolicyAddsRequestedGroupsAfterMembershipsWithoutDuplicates() throws Exception {
        ResolvedUser u = UserResolver.resolve(TestInputs.rootfs(dir), "app", "f", List.of(29L, 3000L), false);
        assertEquals(List.of(1001L, 44L, 29L, 3000L), u.additionalGids());
    }

    @Test
    void passwdSymlinkCannotEscapeTheRootfs() throws Exception {
        Path root = Files.createDirectories(dir.resolve("r/etc"));
        Path outside = dir.resolve("outside-passwd");
        Files.writeString(outside, "evil:x:0:0::/:/bin/sh\n");
        // An absolute target and a "../" chain both land inside the rootfs, where nothing exists.
        Files.createSymbolicLink(root.resolve("passwd"), Path.of(outside.toString()));
        Files.createSymbolicLink(root.resolve("group"), Path.of("../../../../../../" + outside));
        var e = assertThrows(JcriException.class,
                () -> UserResolver.resolve(dir.resolve("r"), "evil", "f", List.of(), false));
        assertTrue(e.getMessage().contains("not found"));
    }

    @Test
    void symlinksInsideTheRootfsAreFollowed() throws Exception {
        Path root = dir.resolve("r2");
        Files.createDirectories(root.resolve("usr/share/base/etc"));
        Files.writeString(root.resolve("usr/share/base/etc/passwd"), "svc:x:77:78::/:/bin/sh\n");
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/usr/share/base/etc"));
        ResolvedUser u = UserResolver.resolve(root, "svc", "f", List.of(), false);
        assertEquals(77, u.uid());
        assertEquals(78, u.gid());
    }

    @Test
    void passwdThroughProcMagicLinksIsNotTheHosts() throws Exception {
        Path root = Files.createDirectories(dir.resolve("r3/etc"));
        Files.createSymbolicLink(root.resolve("passwd"), Path.of("/proc/self/root/etc/passwd"));
        Files.createSymbolicLink(root.resolve("group"), Path.of("/proc/1/root/etc/group"));
        var e = assertThrows(JcriException.class,
                () -> UserResolver.resolve(dir.resolve("r3"), "root", "f", List.of(), false));
        assertTrue(e.getMessage().contains("\"root\" not found"), "the host's root entry is not seen: " + e.getMessage());
    }

    @Test
    void hugeAccountFilesAreRefusedNamingTheLimitWithoutReadingThem() throws Exception {
        Path root = Files.createDirectories(dir.resolve("r4/etc"));
        try (var huge = new java.io.RandomAccessFile(root.resolve("passwd").toFile(), "rw")) {
            huge.setLength(10L << 30); // 10 GiB, sparse
        }
        var e = assertThrows(JcriException.class,
                () -> UserResolver.resolve(dir.resolve("r4"), "0", "image.config.User", List.of(), false));
        assertEquals("image.config.User", e.field());
        assertTrue(e.getMessage().contains("/etc/passwd is larger than the limit of " + UserResolver.MAX_ACCOUNT_FILE_BYTES),
                e.getMessage());
    }
}
