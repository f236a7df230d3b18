package dev.jcri.sandbox.container;

/** A container's life cycle as jcri records it (the CRI states, minus UNKNOWN which is derived). */
public enum ContainerState {
    /**
     * CreateContainer is in progress: the record is written before the first resource is
     * acquired, so that a crash in the middle is torn down at the next start. Internal: no query
     * shows it.
     */
    CREATING,
    /** The runtime created it (conmon runs, init waits); not started. */
    CREATED,
    RUNNING,
    EXITED,
    /**
     * RemoveContainer is in progress: written before the first thing is released, so that a
     * removal a crash cut is finished at the next start instead of leaving a listed container
     * without its rootfs. Internal: no query shows it.
     */
    REMOVING
}
