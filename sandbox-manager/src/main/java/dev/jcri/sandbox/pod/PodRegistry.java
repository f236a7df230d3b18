package dev.jcri.sandbox.pod;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.util.ParsedConfigs;
import dev.jcri.sandbox.util.RecordStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import runtime.v1.Api;

/**
 * The pod sandboxes jcri knows, shared by the pod verbs and by the containers that live in them:
 * the record store, each pod's lock and the RunPodSandbox reservations.
 *
 * <p>A pod's lock is a read-write lock: RunPodSandbox, StopPodSandbox and RemovePodSandbox hold it
 * exclusively, CreateContainer holds it shared for its whole length, so that no container is created
 * in a pod while the pod stops or goes, and creations in one pod still run in parallel.
 */
public final class PodRegistry {

    private final RecordStore<PodRecord> store;
    private final Path root;
    private final Path state;
    private final Map<String, ReadWriteLock> locks = new ConcurrentHashMap<>();
    /** Reservation key → the RunPodSandbox in progress or done for it (kubelet retries after timeouts). */
    private final Map<String, CompletableFuture<String>> reservations = new ConcurrentHashMap<>();

    public PodRegistry(Path root, Path state) {
        this.store = new RecordStore<>(PodPaths.recordsDir(root), PodPaths.RECORD_FILE, PodRecord.class, PodRecord::id);
        this.root = root;
        this.state = state;
    }

    /** Loads the records from disk (once, at start). */
    public List<PodRecord> load() throws IOException {
        return store.load();
    }

    /**
     * A pod by full ID or unique ID prefix, or empty when none matches (Stop and Remove of an
     * unknown pod succeed); an empty or ambiguous ID is still the caller's error.
     */
    public Optional<PodRecord> findIfExists(String idOrPrefix) throws JcriException {
        return store.findIfExists(idOrPrefix, "pod sandbox");
    }

    /** A pod by full ID or unique ID prefix (crictl accepts prefixes). */
    public PodRecord find(String idOrPrefix) throws JcriException {
        return store.find(idOrPrefix, "pod sandbox");
    }

    /** The record as stored now (for a verb holding the pod's lock). */
    public Optional<PodRecord> current(String id) {
        return store.get(id);
    }

    public List<PodRecord> list() {
        return List.copyOf(store.all());
    }

    public PodPaths paths(String id) {
        return new PodPaths(root, state, id);
    }

    Path state() {
        return state;
    }

    /** Where the records' directories are (one per pod, holding its record and pod files). */
    Path recordsDir() {
        return PodPaths.recordsDir(root);
    }

    /** The pod's config, parsed once per record (List and Status calls ask for it every second). */
    public static Api.PodSandboxConfig config(PodRecord record) {
        try {
            return CONFIGS.of(record.config());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("pod record " + record.id() + " holds an unreadable config", e);
        }
    }

    private static final ParsedConfigs<Api.PodSandboxConfig> CONFIGS = new ParsedConfigs<>(Api.PodSandboxConfig.parser());

    public ReadWriteLock lockOf(String id) {
        return locks.computeIfAbsent(id, k -> new ReentrantReadWriteLock());
    }

    void save(PodRecord record) throws IOException {
        store.save(record);
    }

    /**
     * Saves a transitional state (CREATING, STOPPING) without flushing it: a kill -9 loses nothing;
     * after a power loss, when it may be lost, nothing of the pod runs, the next start sweeps what no
     * record owns, and a stop runs again from the older state (each step is idempotent).
     */
    void saveInterim(PodRecord record) throws IOException {
        store.saveInterim(record);
    }

    /** Forgets the pod: record, lock entry and reservation. */
    void forget(PodRecord record) throws IOException {
        store.delete(record.id());
        reservations.remove(record.reservationKey());
        locks.remove(record.id());
    }

    void delete(String id) throws IOException {
        store.delete(id);
    }

    Map<String, CompletableFuture<String>> reservations() {
        return reservations;
    }
}
