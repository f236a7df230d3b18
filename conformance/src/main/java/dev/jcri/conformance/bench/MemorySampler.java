package dev.jcri.conformance.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Memory of a runtime from {@code /proc/PID/smaps_rollup}: the daemon itself, and the helper
 * processes it keeps per pod or container (containerd's shims and pause processes, jcri's conmon
 * monitors and infra processes), the workload's own processes excluded.
 */
public final class MemorySampler {

    /**
     * Resident and proportional set sizes of one process, and its anonymous memory, in KiB.
     * Anonymous pages (heap, stacks, malloc, copied-on-write pages of mapped files) are the
     * process's own and can only be swapped; the rest of RSS is file pages (program text, shared
     * libraries, a JVM's class-data archive) that are shared with every process mapping the same
     * file and that the kernel drops under pressure and reads again. RSS counts both in full, PSS
     * splits shared pages among their users, anonymous is the part nothing else can reclaim: a
     * runtime's cost to the node lies between anonymous and PSS.
     */
    public record ProcMem(long pid, String comm, long rssKb, long pssKb, long anonKb) {}

    /** The runtime's process and its helpers at one moment. */
    public record Snapshot(ProcMem runtime, List<ProcMem> helpers) {

        public long totalPssKb() {
            return runtime.pssKb() + helpers.stream().mapToLong(ProcMem::pssKb).sum();
        }

        public long totalRssKb() {
            return runtime.rssKb() + helpers.stream().mapToLong(ProcMem::rssKb).sum();
        }

        public long totalAnonKb() {
            return runtime.anonKb() + helpers.stream().mapToLong(ProcMem::anonKb).sum();
        }

        /** Helper PSS by process name (e.g. conmon: 12345 KiB). */
        public Map<String, Long> helperPssByName() {
            Map<String, Long> by = new TreeMap<>();
            helpers.forEach(h -> by.merge(h.comm(), h.pssKb(), Long::sum));
            return by;
        }
    }

    private MemorySampler() {}

    /** Reads one process's smaps_rollup; zeros when it is gone. */
    public static ProcMem read(long pid, String comm) {
        long rss = 0;
        long pss = 0;
        long anon = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Rss:")) {
                    rss = kb(line);
                } else if (line.startsWith("Pss:")) {
                    pss = kb(line);
                } else if (line.startsWith("Anonymous:")) {
                    anon = kb(line);
                }
            }
        } catch (IOException e) {
            // exited
        }
        return new ProcMem(pid, comm, rss, pss, anon);
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /**
     * The runtime (pid) and every process whose command line names {@code marker} (its private
     * directory, which shims and conmon carry in their arguments) with its descendants, except
     * processes named in {@code workload} (the containers' own programs).
     */
    public static Snapshot sample(long runtimePid, String marker, Set<String> workload) {
        List<ProcMem> helpers = new ArrayList<>();
        for (HostProcesses.Proc p : HostProcesses.markedWithDescendants(marker, runtimePid)) {
            if (!workload.contains(p.comm())) {
                helpers.add(read(p.pid(), p.comm()));
            }
        }
        return new Snapshot(read(runtimePid, "runtime"), helpers);
    }
}
