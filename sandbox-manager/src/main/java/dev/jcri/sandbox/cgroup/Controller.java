package dev.jcri.sandbox.cgroup;

/**
 * The resources jcri limits and reads, by what they are rather than by file names: each has one
 * class per cgroup version (v1 {@code cpu}+{@code cpuacct} and v2 {@code cpu} are both CPU; v1
 * {@code blkio} and v2 {@code io} are both IO).
 */
public enum Controller {
    CPU, MEMORY, PIDS, HUGETLB, IO, CPUSET
}
