package dev.jcri.sandbox.container;

import dev.jcri.linux.ProcFiles;
import java.nio.file.Path;
import runtime.v1.Api;

/**
 * Keeps containers' oom_score_adj where the node allows it. Lowering a score below the daemon's
 * own needs CAP_SYS_RESOURCE; where jcri lacks it (unprivileged or nested nodes, as containerd's
 * restrict_oom_score_adj option caters for), the runtime would fail the container, so the score
 * is raised to jcri's own instead. With the capability, kubelet's value is used as sent.
 */
public final class OomScores {

    private static final int CAP_SYS_RESOURCE = 24;
    private static final boolean CAN_LOWER = hasCapability(CAP_SYS_RESOURCE);
    private static final int OWN_SCORE = ownScore();

    private OomScores() {}

    public static Api.LinuxContainerResources restrict(Api.LinuxContainerResources r) {
        if (CAN_LOWER || r.getOomScoreAdj() >= OWN_SCORE) {
            return r;
        }
        return r.toBuilder().setOomScoreAdj(OWN_SCORE).build();
    }

    private static int ownScore() {
        try {
            return Integer.parseInt(ProcFiles.readTrimmedOrEmpty(Path.of("/proc/self/oom_score_adj")));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean hasCapability(int cap) {
        for (String line : ProcFiles.readTrimmedOrEmpty(Path.of("/proc/self/status")).split("\n")) {
            if (line.startsWith("CapEff:")) {
                long mask = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                return (mask & (1L << cap)) != 0;
            }
        }
        return false;
    }
}
