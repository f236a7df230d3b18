package dev.jcri.sandbox.container;

/** A container's life cycle as jcri records it (the CRI states, minus UNKNOWN which is derived). */
public enum ContainerState {
    /** The runtime created it (conmon runs, init waits); not started. */
    CREATED,
    RUNNING,
    EXITED
}
