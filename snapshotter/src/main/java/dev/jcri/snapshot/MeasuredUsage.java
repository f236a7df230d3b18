package dev.jcri.snapshot;

/**
 * A snapshot's disk usage and when it was measured (nanoseconds since the epoch): a writable
 * snapshot's usage is the last walk of its upper directory, so its age matters to the reader.
 */
public record MeasuredUsage(LayerStore.Usage usage, long atEpochNanos) {}
