package dev.jcri.sandbox.pod;

/** Life cycle of a pod sandbox as jcri records it. */
public enum PodState {
    /** RunPodSandbox is in progress; a record still in this state after a crash is undone on start. */
    CREATING,
    /** Namespaces, files and network are set up (CRI SANDBOX_READY). */
    READY,
    /** Stopped: network torn down, containers stopped (CRI SANDBOX_NOTREADY). */
    STOPPED
}
