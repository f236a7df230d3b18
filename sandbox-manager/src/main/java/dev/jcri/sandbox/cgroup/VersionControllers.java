package dev.jcri.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The controller classes of one cgroup version, driven for one cgroup path: v1 finds each
 * controller's own hierarchy, v2 has them all in one directory.
 */
sealed interface VersionControllers permits ControllersV1, ControllersV2 {

    static VersionControllers of(CgroupLayout layout) {
        return layout.isUnified() ? new ControllersV2(layout.unified().orElseThrow()) : new ControllersV1(layout);
    }

    /**
     * Readies a directory jcri has just created in {@code hierarchy}, before anything joins it
     * (v1: cpuset inheritance; v2: the parent hands its controllers down).
     */
    void prepare(Hierarchy hierarchy, Path newDir) throws IOException;

    /** Writes the limits that are set; a controller the node lacks is an error naming it. */
    void apply(String cgroupPath, CgroupLimits limits) throws IOException;

    /** Reads what is asked, opening only its files, each once; never fails (see {@link CgroupStats}). */
    CgroupStats read(String cgroupPath, Set<Reading> readings);
}
