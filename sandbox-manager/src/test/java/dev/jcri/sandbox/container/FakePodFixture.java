package dev.jcri.sandbox.container;

import dev.jcri.linux.MountFlags;
import dev.jcri.linux.MountInfo;
import dev.jcri.linux.Mounts;
import dev.jcri.sandbox.cgroup.CgroupDriver;
import dev.jcri.sandbox.cgroup.CgroupLayout;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.pod.PodPaths;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodRegistry;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.sandbox.spec.ImageConfig;
import dev.jcri.sandbox.util.RecordStore;
import dev.jcri.snapshot.OverlaySnapshotter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import runtime.v1.Api;

/**
 * A {@link ContainerManager} over {@link FakeRuntime} and a real snapshotter in a temporary
 * directory, with one READY pod ({@link #POD}) and an image of one empty layer ({@link #IMAGE}):
 * the harness of the container life cycle's unit tests.
 */
final class FakePodFixture implements AutoCloseable {

    static final String LAYER = "sha256:empty";
    static final String POD = "q".repeat(64);
    static final ContainerImage IMAGE = new ContainerImage("img", "sha256:id", "img@sha256:id", LAYER,
            new ImageConfig(List.of(), List.of(), List.of(), "", "", List.of(), "", Map.of()));

    final Path dir;
    final Path root;
    final ContainerPaths paths;
    final OverlaySnapshotter snapshots;
    final FakeRuntime runtime;
    final ContainerManager manager;

    /** @param criu why CRIU cannot work, as the manager is told (empty: it can) */
    FakePodFixture(Path dir, Supplier<Optional<String>> criu) throws IOException {
        this.dir = dir;
        this.root = dir.resolve("root");
        this.paths = new ContainerPaths(dir.resolve("state"));
        this.snapshots = OverlaySnapshotter.open(root.resolve("snapshots"));
        snapshots.applyLayer(LAYER, null, new ByteArrayInputStream(new byte[1024]));
        new RecordStore<>(PodPaths.recordsDir(root), "pod.json", PodRecord.class, PodRecord::id)
                .save(new PodRecord(POD, "pod", "ns", "uid", 0, PodState.READY, 1, "fake",
                        Api.PodSandboxConfig.getDefaultInstance().toByteArray(), List.of(), List.of(), null));
        PodRegistry pods = new PodRegistry(root, dir.resolve("state"));
        pods.load();
        this.runtime = new FakeRuntime(paths);
        this.manager = new ContainerManager(root, paths, pods, snapshots, runtimes(),
                Cgroups.open(CgroupLayout.detect(), CgroupDriver.CGROUPFS, dir.resolve("state/cgroups")), List.of(), criu);
    }

    ContainerRuntimes runtimes() {
        return new ContainerRuntimes(Map.of("fake", runtime));
    }

    /** Closes the manager and unmounts whatever the test left mounted in the directory. */
    @Override
    public void close() throws IOException {
        manager.close();
        for (MountInfo m : MountInfo.under(dir)) {
            Mounts.unmountIfMounted(m.mountPoint(), MountFlags.MNT_DETACH);
        }
    }
}
