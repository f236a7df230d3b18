package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.util.RecordStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers jcri knows, shared by the verbs: the record store, the names reserved per pod and
 * attempt, each container's lock (its mutations are serialised on it) and the signal its exit
 * completes. Records in states {@link ContainerState#CREATING} and {@link ContainerState#REMOVING} are internal: queries do not see them.
 */
public final class ContainerRecords {

    private final RecordStore<ContainerRecord> store;
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> exitSignals = new ConcurrentHashMap<>();

    public ContainerRecords(Path root) {
        this.store = new RecordStore<>(root.resolve("containers"), "container.json", ContainerRecord.class,
                ContainerRecord::id);
    }

    /** Loads the records from disk (at start) and reserves their names. */
    public List<ContainerRecord> load() throws IOException {
        List<ContainerRecord> loaded = store.load();
        for (ContainerRecord record : loaded) {
            names.put(record.reservationKey(), record.id());
        }
        return loaded;
    }

    // ---------------------------------------------------------------- queries (CREATING hidden)

    /**
     * A container by ID or unique prefix, or empty when none matches (Stop and Remove of an unknown
     * container succeed); an empty or ambiguous ID is still the caller's error.
     */
    public Optional<ContainerRecord> findIfExists(String idOrPrefix) throws JcriException {
        return store.findIfExists(idOrPrefix, "container").filter(ContainerRecords::visible);
    }

    /** As {@link #findIfExists}, also finding a container whose removal began and did not finish (a retry finishes it). */
    Optional<ContainerRecord> findForRemoval(String idOrPrefix) throws JcriException {
        return store.findIfExists(idOrPrefix, "container").filter(r -> r.state() != ContainerState.CREATING);
    }

    public ContainerRecord find(String idOrPrefix) throws JcriException {
        ContainerRecord record = store.find(idOrPrefix, "container");
        if (!visible(record)) {
            throw JcriException.notFound("container", idOrPrefix);
        }
        return record;
    }

    public List<ContainerRecord> list() {
        return store.all().stream().filter(ContainerRecords::visible).toList();
    }

    public List<ContainerRecord> inPod(String podId) {
        return store.all().stream().filter(c -> c.podId().equals(podId)).toList();
    }

    /** The record as stored now, whatever its state (for a verb holding the container's lock). */
    public Optional<ContainerRecord> current(String id) {
        return store.get(id);
    }

    public Collection<ContainerRecord> all() {
        return store.all();
    }

    private static boolean visible(ContainerRecord record) {
        return record.state() != ContainerState.CREATING && record.state() != ContainerState.REMOVING;
    }

    // ---------------------------------------------------------------- changes

    public void save(ContainerRecord record) throws IOException {
        store.save(record);
    }

    /**
     * Saves a transitional state (CREATING, REMOVING) without flushing it: after a kill -9 it is
     * read back; after a power loss, when it may be lost, nothing of the container runs and the
     * next start sweeps what no record owns (a create's bundle and snapshot), or a removal runs
     * again from the older state (every teardown step is idempotent).
     */
    public void saveInterim(ContainerRecord record) throws IOException {
        store.saveInterim(record);
    }

    /** Forgets the container: record, name, lock's entry and exit signal. */
    public void forget(ContainerRecord record) throws IOException {
        store.delete(record.id());
        names.remove(record.reservationKey(), record.id());
        exitSignals.remove(record.id());
        locks.remove(record.id());
    }

    /**
     * Reserves a container name in its pod for one attempt.
     *
     * @throws JcriException ALREADY_EXISTS naming the holder
     */
    public void reserve(String podId, String name, int attempt, String id) throws JcriException {
        String key = ContainerRecord.reservationKey(podId, name, attempt);
        String holder = names.putIfAbsent(key, id);
        if (holder != null) {
            throw JcriException.alreadyExists("container name " + name + " (attempt " + attempt + ") is already used in pod "
                    + podId + " by container " + holder);
        }
    }

    public void release(String podId, String name, int attempt, String id) {
        names.remove(ContainerRecord.reservationKey(podId, name, attempt), id);
    }

    public Object lockOf(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    /** Completes when the container's exit is recorded. */
    public CompletableFuture<Void> exitSignal(String id) {
        return exitSignals.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    public void signalExited(String id) {
        exitSignal(id).complete(null);
    }
}
