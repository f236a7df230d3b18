package dev.jcri.snapshot;

/** What a snapshot is for. */
public enum SnapshotKind {
    /** An applied image layer: immutable, keyed by its chain ID, a possible parent of others. */
    COMMITTED,
    /** A container's writable layer (upper + work directories) on top of a committed chain. */
    ACTIVE,
    /** A read-only view of a committed chain (no directories of its own). */
    VIEW
}
