package dev.jcri.sandbox.container;

/**
 * What jcri keeps on disk about one container ({@code <root>/containers/<id>/container.json}).
 * Times are nanoseconds since the epoch (CRI's unit), 0 when not reached.
 *
 * @param config     the CreateContainer ContainerConfig, protobuf-encoded
 * @param stopSignal the signal StopContainer sends first (the image's STOPSIGNAL or SIGTERM)
 * @param logPath    the CRI log file, or null when the pod/container gave no log path
 */
public record ContainerRecord(
        String id,
        String podId,
        String name,
        int attempt,
        ContainerState state,
        long createdAtNanos,
        long startedAtNanos,
        long finishedAtNanos,
        int exitCode,
        String reason,
        String message,
        long pid,
        String runtimeHandler,
        String imageRequested,
        String imageId,
        String imageRef,
        String logPath,
        int stopSignal,
        byte[] config) {

    /** The runtime created it: its init (pid) waits for start. */
    public ContainerRecord created(long initPid, int signal) {
        return new ContainerRecord(id, podId, name, attempt, ContainerState.CREATED, createdAtNanos, 0, 0, 0, "", "",
                initPid, runtimeHandler, imageRequested, imageId, imageRef, logPath, signal, config);
    }

    public ContainerRecord started(long pid, long atNanos) {
        return new ContainerRecord(id, podId, name, attempt, ContainerState.RUNNING, createdAtNanos, atNanos, 0, 0, "", "",
                pid, runtimeHandler, imageRequested, imageId, imageRef, logPath, stopSignal, config);
    }

    public ContainerRecord exited(int code, long atNanos, String why, String detail) {
        return new ContainerRecord(id, podId, name, attempt, ContainerState.EXITED, createdAtNanos, startedAtNanos, atNanos,
                code, why, detail, pid, runtimeHandler, imageRequested, imageId, imageRef, logPath, stopSignal, config);
    }

    /** Its removal has begun (the rest of the record as it was). */
    public ContainerRecord removing() {
        return new ContainerRecord(id, podId, name, attempt, ContainerState.REMOVING, createdAtNanos, startedAtNanos,
                finishedAtNanos, exitCode, reason, message, pid, runtimeHandler, imageRequested, imageId, imageRef, logPath,
                stopSignal, config);
    }

    /** Name reservation key: names are unique per pod and attempt. */
    public String reservationKey() {
        return reservationKey(podId, name, attempt);
    }

    public static String reservationKey(String podId, String name, int attempt) {
        return podId + "/" + name + "/" + attempt;
    }
}
