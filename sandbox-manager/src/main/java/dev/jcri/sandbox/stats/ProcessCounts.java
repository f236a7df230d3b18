package dev.jcri.sandbox.stats;

/**
 * The processes of a container's cgroup and their open files, for cAdvisor's process metrics.
 *
 * @param processes   processes (thread-group leaders) listed in the cgroup, up to {@link StatsCollector#MAX_PROCESSES}
 * @param descriptors their open file descriptors, up to {@link StatsCollector#MAX_DESCRIPTORS} over all of them
 * @param sockets     those descriptors that are sockets
 * @param capped      whether a cap stopped the walk: the counts are then lower bounds
 */
public record ProcessCounts(long processes, long descriptors, long sockets, boolean capped) {}
