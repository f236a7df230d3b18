package dev.jcri.sandbox.pod;

/** Life cycle of a pod sandbox as jcri records it. */
public enum PodState {
    /** RunPodSandbox is in progress; a record still in this state after a crash is undone on start. */
    CREATING,
    /** Namespaces, files and network are set up (CRI SANDBOX_READY). */
    READY,
    /**
     * StopPodSandbox is in progress (CRI SANDBOX_NOTREADY): written before the first thing is
     * released, so that a stop a crash cut is finished at the next start rather than leaving a
     * "ready" pod without its network.
     */
    STOPPING,
    /** Stopped: network torn down, containers stopped (CRI SANDBOX_NOTREADY). */
    STOPPED
}
