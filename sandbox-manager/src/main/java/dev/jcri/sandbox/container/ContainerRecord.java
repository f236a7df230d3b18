package dev.jcri.sandbox.container;

import dev.jcri.sandbox.spec.ResolvedUser;

/**
 * What jcri keeps on disk about one container ({@code <root>/containers/<id>/container.json}).
 * Times are nanoseconds since the epoch (CRI's unit), 0 when not reached.
 *
 * @param config     the CreateContainer ContainerConfig, protobuf-encoded
 * @param stopSignal the signal StopContainer sends first (the image's STOPSIGNAL or SIGTERM)
 * @param logPath    the CRI log file, or null when the pod/container gave no log path
 * @param resources  the LinuxContainerResources last applied by UpdateContainerResources,
 *                   protobuf-encoded; null while the create-time ones (in config) hold, and in
 *                   records written before resizes were kept
 * @param user       the identity the runtime was told to run the process as (uid, gid and the
 *                   supplementary groups after the SupplementalGroupsPolicy); null before create
 *                   finished, and in older records
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
        byte[] config,
        byte[] resources,
        ResolvedUser user) {

    /** The runtime created it: its init (pid) waits for start. */
    public ContainerRecord created(long initPid, int signal, ResolvedUser runAs) {
        return new ContainerRecord(id, podId, name, attempt, ContainerState.CREATED, createdAtNanos, 0, 0, 0, "", "",
                initPid, runtimeHandler, imageRequested, imageId, imageRef, logPath, signal, config, resources, runAs);
    }

    public ContainerRecord started(long pid, long atNanos) {
        return new ContainerRecord(id, podId, name, attempt, ContainerState.RUNNING, createdAtNanos, atNanos, 0, 0, "", "",
                pid, runtimeHandler, imageRequested, imageId, imageRef, logPath, stopSignal, config, resources, user);
    }

    public ContainerRecord exited(int code, long atNanos, String why, String detail) {
        return new ContainerRecord(id, podId, name, attempt, ContainerState.EXITED, createdAtNanos, startedAtNanos, atNanos,
                code, why, detail, pid, runtimeHandler, imageRequested, imageId, imageRef, logPath, stopSignal, config, resources, user);
    }

    /** Its removal has begun (the rest of the record as it was). */
    public ContainerRecord removing() {
        return new ContainerRecord(id, podId, name, attempt, ContainerState.REMOVING, createdAtNanos, startedAtNanos,
                finishedAtNanos, exitCode, reason, message, pid, runtimeHandler, imageRequested, imageId, imageRef, logPath,
                stopSignal, config, resources, user);
    }

    /** New limits applied in place (UpdateContainerResources), protobuf-encoded; the rest as it was. */
    public ContainerRecord withResources(byte[] applied) {
        return new ContainerRecord(id, podId, name, attempt, state, createdAtNanos, startedAtNanos, finishedAtNanos,
                exitCode, reason, message, pid, runtimeHandler, imageRequested, imageId, imageRef, logPath, stopSignal,
                config, applied, user);
    }

    /** Name reservation key: names are unique per pod and attempt. */
    public String reservationKey() {
        return reservationKey(podId, name, attempt);
    }

    public static String reservationKey(String podId, String name, int attempt) {
        return podId + "/" + name + "/" + attempt;
    }
}
