package dev.jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.linux.MountInfo;
import dev.jcri.linux.Mounts;
import dev.jcri.linux.MountFlags;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Snapshots mounted for real: merged views, deep chains, concurrency, removal, GC, restart. */
class OverlaySnapshotterTest extends SnapshotterTestBase {

    @Test
    void whiteoutsAndOpaqueDirectoriesInTheMergedView() throws IOException {
        apply("sha256:base", null, TestLayer.pax().dir("a").file("a/x", "x").file("a/y", "y")
                .dir("b").file("b/z", "z").file("keep", "k").dir("gone").file("gone/inner", "i"));
        apply("sha256:top", "sha256:base", TestLayer.pax().dir("a").whiteout("a/x")
                .dir("b").opaque("b").file("b/new", "n").whiteout("gone"));
        store.prepare("c1", "sha256:top", Map.of());
        Path mnt = target("c1");
        store.mount("c1", mnt);
        try {
            assertFalse(Files.exists(mnt.resolve("a/x")), "whited out");
            assertEquals("y", Files.readString(mnt.resolve("a/y")));
            assertFalse(Files.exists(mnt.resolve("b/z")), "hidden by the opaque directory");
            assertEquals("n", Files.readString(mnt.resolve("b/new")));
            assertEquals("k", Files.readString(mnt.resolve("keep")));
            assertFalse(Files.exists(mnt.resolve("gone")), "a whole directory whited out");
            Files.writeString(mnt.resolve("a/written"), "w");
            assertEquals("w", Files.readString(store.contentDirectory("c1").resolve("a/written")), "lands in upper");
        } finally {
            store.unmount("c1", mnt);
        }
        assertFalse(Mounts.isMountPoint(mnt));
    }

    @Test
    void hundredLayerChainMountsAndShowsLowestAndHighest() throws IOException {
        String parent = null;
        for (int i = 0; i < 100; i++) {
            String key = "sha256:" + "%064d".formatted(i);
            apply(key, parent, TestLayer.pax().file("layer-" + i, "from " + i).file("shared", "top is " + i));
            parent = key;
        }
        List<Long> ids = new ArrayList<>();
        for (int i = 99; i >= 0; i--) {
            ids.add((long) i + 1);
        }
        assertTrue(store.mounter().options(ids, 101L, false).length() > OverlayMounter.MAX_OPTIONS_LENGTH,
                "absolute options would not fit in a page: this test exercises the relative-path mount");
        store.prepare("deep", parent, Map.of());
        Path mnt = target("deep");
        store.mount("deep", mnt);
        try {
            assertEquals("from 0", Files.readString(mnt.resolve("layer-0")));
            assertEquals("from 99", Files.readString(mnt.resolve("layer-99")));
            assertEquals("top is 99", Files.readString(mnt.resolve("shared")));
            MountInfo m = MountInfo.under(mnt).getFirst();
            assertEquals("overlay", m.fsType());
        } finally {
            store.unmount("deep", mnt);
        }
        store.view("deep-view", parent, Map.of());
        Path view = target("deep-view");
        store.mount("deep-view", view);
        try {
            assertEquals("from 0", Files.readString(view.resolve("layer-0")));
            assertThrows(FileSystemException.class, () -> Files.writeString(view.resolve("w"), "w"));
        } finally {
            store.unmount("deep-view", view);
        }
    }

    /**
     * A layer's setuid binary must not be reachable by other users: everything of the store is
     * 0700/0600, except each snapshot's fs, which is the container's "/" (0755). A store an older
     * version left open is made private when it is opened again.
     */
    @Test
    void storeIsPrivateToRootButTheContainersRootIsNot() throws Exception {
        apply("sha256:suid", null, TestLayer.pax().dir("bin").file("bin/su", "elf".getBytes(java.nio.charset.StandardCharsets.UTF_8), 04755, 0, 0, Map.of()));
        store.prepare("c1", "sha256:suid", Map.of());
        Path snapshots = root.resolve("snapshots");
        for (Path p : List.of(root, snapshots, root.resolve("staging"))) {
            assertEquals("rwx------", mode(p), p.toString());
        }
        for (Path snapshot : listing(snapshots)) {
            assertEquals("rwx------", mode(snapshot));
            assertEquals("rw-------", mode(snapshot.resolve("info.json")));
            assertEquals("rwxr-xr-x", mode(snapshot.resolve("fs")));
            if (Files.exists(snapshot.resolve("work"))) {
                assertEquals("rwx------", mode(snapshot.resolve("work")));
            }
        }

        for (Path p : List.of(root, snapshots, listing(snapshots).getFirst())) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        OverlaySnapshotter.open(root, false);
        assertEquals("rwx------", mode(root));
        assertEquals("rwx------", mode(snapshots));
        assertEquals("rwx------", mode(listing(snapshots).getFirst()));
    }

    @Test
    void aContainersWritableLayerIsMountedVolatileAndItsRemovalIsNotFlushed() throws Exception {
        apply("sha256:base", null, TestLayer.pax().dir("etc"));
        store.prepare("c1", "sha256:base", Map.of());
        Path target = target("c1");
        store.mount("c1", target);
        MountInfo m = MountInfo.readAll().stream().filter(i -> i.mountPoint().equals(target)).findFirst().orElseThrow();
        // unmounting a plain writable overlay syncs the whole upper file system, only to delete the layer next
        assertTrue(m.superOptions().contains("volatile"), m.superOptions());
        store.unmount("c1", target);
        store.remove("c1");
        assertTrue(store.stat("c1").isEmpty());
        store.view("v1", "sha256:base", Map.of());
        Path view = target("v1");
        store.mount("v1", view);
        MountInfo v = MountInfo.readAll().stream().filter(i -> i.mountPoint().equals(view)).findFirst().orElseThrow();
        assertFalse(v.superOptions().contains("volatile"), "a read-only view has nothing to sync: " + v.superOptions());
        store.unmount("v1", view);
    }

    private static String mode(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void viewsAreReadOnly() throws IOException {
        apply("sha256:one", null, TestLayer.pax().file("f", "1"));
        apply("sha256:two", "sha256:one", TestLayer.pax().file("g", "2"));
        store.view("v1", "sha256:one", Map.of());
        store.view("v2", "sha256:two", Map.of());
        Path m1 = target("v1");
        Path m2 = target("v2");
        store.mount("v1", m1);
        store.mount("v2", m2);
        try {
            assertFalse(MountInfo.under(m1).getFirst().fsType().equals("overlay"), "one layer: a bind mount");
            assertEquals("1", Files.readString(m1.resolve("f")));
            assertThrows(FileSystemException.class, () -> Files.writeString(m1.resolve("w"), "w"));
            assertEquals("overlay", MountInfo.under(m2).getFirst().fsType());
            assertEquals("1", Files.readString(m2.resolve("f")));
            assertEquals("2", Files.readString(m2.resolve("g")));
            assertThrows(FileSystemException.class, () -> Files.writeString(m2.resolve("w"), "w"));
        } finally {
            store.unmount("v1", m1);
            store.unmount("v2", m2);
        }
        assertEquals(new LayerStore.Usage(0, 0), store.usage("v1"));
    }

    @Test
    void writableSnapshotWithoutParentIsABindMount() throws IOException {
        store.prepare("scratch", null, Map.of("role", "scratch"));
        Path mnt = target("scratch");
        store.mount("scratch", mnt);
        try {
            Files.write(mnt.resolve("blob"), new byte[1 << 20]);
            LayerStore.Usage u = store.usage("scratch");
            assertTrue(u.bytes() >= 1 << 20, u.toString());
            assertEquals(2, u.inodes());
        } finally {
            store.unmount("scratch", mnt);
        }
        assertEquals(Map.of("role", "scratch"), store.stat("scratch").orElseThrow().labels());
    }

    @Test
    void concurrentPreparesOnOneChain() throws Exception {
        apply("sha256:base", null, TestLayer.pax().file("shared", "base"));
        int n = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Void>> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = "container-" + i;
            jobs.add(() -> {
                start.await();
                store.prepare(key, "sha256:base", Map.of());
                Path mnt = target(key);
                store.mount(key, mnt);
                try {
                    Files.writeString(mnt.resolve("mine"), key);
                    assertEquals("base", Files.readString(mnt.resolve("shared")));
                    assertEquals(key, Files.readString(mnt.resolve("mine")), "each container sees only its own upper");
                } finally {
                    store.unmount(key, mnt);
                }
                store.remove(key);
                return null;
            });
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> results = new ArrayList<>();
            for (Callable<Void> job : jobs) {
                results.add(pool.submit(job));
            }
            start.countDown();
            for (Future<Void> f : results) {
                f.get();
            }
        }
        assertEquals(List.of("sha256:base"), store.list().stream().map(Snapshot::key).toList());
    }

    @Test
    void concurrentApplyOfOneLayerReadsOneStream() throws Exception {
        byte[] tar = TestLayer.pax().file("f", "once").bytes();
        AtomicInteger streamsRead = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    InputStream in = new ByteArrayInputStream(tar) {
                        boolean counted;

                        @Override
                        public synchronized int read(byte[] b, int off, int len) {
                            if (!counted) {
                                counted = true;
                                streamsRead.incrementAndGet();
                            }
                            return super.read(b, off, len);
                        }
                    };
                    store.applyLayer("sha256:same", null, in);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : results) {
                f.get();
            }
        }
        assertEquals(1, streamsRead.get());
        assertTrue(store.hasLayer("sha256:same"));
    }

    @Test
    void removalIsRefusedWhileBuiltOnOrMounted() throws IOException {
        apply("sha256:a", null, TestLayer.pax().file("a", "a"));
        apply("sha256:b", "sha256:a", TestLayer.pax().file("b", "b"));
        assertFalse(store.removeLayer("sha256:a"), "b is built on it");
        assertThrows(SnapshotInUseException.class, () -> store.remove("sha256:a"));

        store.prepare("ctr", "sha256:b", Map.of());
        assertFalse(store.removeLayer("sha256:b"), "a container uses it");
        Path mnt = target("ctr");
        store.mount("ctr", mnt);
        SnapshotInUseException e = assertThrows(SnapshotInUseException.class, () -> store.remove("ctr"));
        assertTrue(e.getMessage().contains("mounted at " + mnt), e.getMessage());
        store.unmount("ctr", mnt);
        store.remove("ctr");
        assertTrue(store.removeLayer("sha256:b"));
        assertTrue(store.removeLayer("sha256:a"));
        assertTrue(store.removeLayer("sha256:never-existed"));
        assertEquals(List.of(), listing(root.resolve("snapshots")));
        assertEquals(List.of(), listing(root.resolve("staging")));
    }

    @Test
    void garbageCollectionKeepsWhatIsReferenced() throws IOException {
        apply("sha256:a", null, TestLayer.pax().file("a", "a"));
        apply("sha256:b", "sha256:a", TestLayer.pax().file("b", "b"));
        apply("sha256:c", "sha256:b", TestLayer.pax().file("c", "c"));
        apply("sha256:d", null, TestLayer.pax().file("d", "d"));
        apply("sha256:e", null, TestLayer.pax().file("e", "e"));
        store.prepare("ctr", "sha256:b", Map.of());

        List<String> removed = store.removeUnreferenced(Set.of("sha256:e"));
        assertEquals(Set.of("sha256:c", "sha256:d"), Set.copyOf(removed));
        assertTrue(store.hasLayer("sha256:a") && store.hasLayer("sha256:b"), "under a container");
        assertTrue(store.hasLayer("sha256:e"), "referenced by an image");

        store.remove("ctr");
        assertEquals(List.of("sha256:b", "sha256:a"), store.removeUnreferenced(Set.of("sha256:e")), "children first");
        assertEquals(List.of("sha256:e"), store.list().stream().map(Snapshot::key).toList());
    }

    @Test
    void committedUsageIsComputedOnceAtCommit() throws IOException {
        apply("sha256:u", null, TestLayer.pax().dir("d").file("d/big", new byte[300_000], 0644, 0, 0, Map.of()));
        LayerStore.Usage u = store.layerUsage("sha256:u").orElseThrow();
        assertEquals(3, u.inodes());
        assertTrue(u.bytes() >= 300_000, u.toString());
        Files.writeString(store.contentDirectory("sha256:u").resolve("sneaked-in"), "x");
        assertEquals(u, store.usage("sha256:u"), "stored, not re-walked");
    }

    @Test
    void restartFindsEverythingAndCleansLeftovers() throws IOException {
        apply("sha256:a", null, TestLayer.pax().file("a", "a"));
        apply("sha256:b", "sha256:a", TestLayer.pax().file("b", "b"));
        store.prepare("ctr", "sha256:b", Map.of("pod", "p1"));
        Path live = target("live");
        store.mount("ctr", live);
        Path forgotten = target("forgotten");
        store.mount("ctr", forgotten);
        Mounts.unmount(forgotten, 0); // unmounted behind the store's back
        LayerStore.Usage usageA = store.layerUsage("sha256:a").orElseThrow();

        // Leftovers of a crash: a half-applied layer in staging and a stray mount under the root.
        Files.createDirectories(root.resolve("staging/77/fs/usr/bin"));
        Files.writeString(root.resolve("staging/77/fs/usr/bin/half"), "half");
        Path stray = Files.createDirectories(root.resolve("snapshots/1/fs/stray"));
        Mounts.mount("stray", stray, "tmpfs", 0, "size=1m");

        OverlaySnapshotter reopened = OverlaySnapshotter.open(root);
        assertTrue(reopened.hasLayer("sha256:a"));
        assertTrue(reopened.hasLayer("sha256:b"));
        assertEquals(Map.of("pod", "p1"), reopened.stat("ctr").orElseThrow().labels());
        assertEquals("sha256:b", reopened.stat("ctr").orElseThrow().parent());
        assertEquals(Optional.of(usageA), reopened.layerUsage("sha256:a"));
        assertEquals(List.of(), listing(root.resolve("staging")));
        assertFalse(Mounts.isMountPoint(stray), "stray mount under the root removed");
        assertTrue(Mounts.isMountPoint(live), "a container's mount outside the root is left alone");
        assertEquals("a", Files.readString(live.resolve("a")));
        assertThrows(SnapshotInUseException.class, () -> reopened.remove("ctr"), "the live mount is still known");

        reopened.unmount("ctr", live);
        reopened.remove("ctr");
        Files.delete(stray);
        assertEquals(List.of(), reopened.removeUnreferenced(Set.of("sha256:b")));
        Snapshot next = reopened.prepare("ctr2", "sha256:b", Map.of());
        assertEquals("ctr2", next.key());
        reopened.remove("ctr2");
    }

    @Test
    void unmountIsIdempotentAndMountTargetsInsideRootAreRefused() throws IOException {
        apply("sha256:a", null, TestLayer.pax().file("a", "a"));
        store.prepare("ctr", "sha256:a", Map.of());
        Path inside = Files.createDirectories(root.resolve("inside"));
        assertThrows(IllegalArgumentException.class, () -> store.mount("ctr", inside));
        Path mnt = target("ctr");
        store.unmount("ctr", mnt);
        store.mount("ctr", mnt);
        store.unmount("ctr", mnt);
        store.unmount("ctr", mnt);
        assertFalse(Mounts.isMountPoint(mnt));
        assertEquals(0, MountInfo.under(base).size());
        Mounts.unmountIfMounted(mnt, MountFlags.MNT_DETACH);
    }

    /**
     * A removal answers once the snapshot is unreachable: its directory leaves snapshots/ in one
     * rename, and its files (a container's writes) are deleted in the background, from the trash.
     */
    @Test
    void aRemovedSnapshotsFilesAreDeletedFromTheTrash() throws IOException {
        apply("sha256:a", null, TestLayer.pax().file("a", "a"));
        store.prepare("ctr", "sha256:a", Map.of());
        Path mnt = target("ctr");
        store.mount("ctr", mnt);
        for (int i = 0; i < 50; i++) {
            Files.writeString(Files.createDirectories(mnt.resolve("d" + i)).resolve("f"), "written by the container");
        }
        store.unmountAndRemove("ctr", mnt);
        assertFalse(Mounts.isMountPoint(mnt));
        assertTrue(store.stat("ctr").isEmpty());
        assertEquals(1, listing(root.resolve("snapshots")).size(), "only the layer is left");
        store.awaitTrashEmptied();
        assertEquals(List.of(), listing(root.resolve("trash")));
        assertTrue(store.removeLayer("sha256:a"));
        store.awaitTrashEmptied();
        assertEquals(List.of(), listing(root.resolve("trash")));
    }

    /** A kill -9 while the trash still held removed snapshots: the next open deletes them. */
    @Test
    void aTrashACrashLeftIsEmptiedWhenTheStoreOpens() throws IOException {
        Files.createDirectories(root.resolve("trash/7-0123456789abcdef/fs/usr/bin"));
        Files.writeString(root.resolve("trash/7-0123456789abcdef/fs/usr/bin/left"), "left");
        Files.createDirectories(root.resolve("trash/8-fedcba9876543210/work"));
        OverlaySnapshotter reopened = OverlaySnapshotter.open(root, false);
        reopened.awaitTrashEmptied();
        assertEquals(List.of(), listing(root.resolve("trash")));
    }
}
