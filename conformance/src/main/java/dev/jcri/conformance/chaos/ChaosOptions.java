package dev.jcri.conformance.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The chaos run's settings. {@link #usage()} lists every option with its default; the JUnit form
 * and {@code bin/chaos} differ only in the number of kills.
 *
 * @param kills              SIGKILLs of the daemon (each followed by a restart and the checks)
 * @param seed               seeds every random choice: actions, targets, kill moments
 * @param workDir            where the daemon's root, state, socket, logs, CNI and IPAM files go
 *                           (null: a new directory under /tmp, removed at the end unless {@code keep})
 * @param keep               keep the work directory (daemon log, leftovers) for inspection
 * @param handler            the OCI runtime handler of every pod ("runc" or "crun")
 * @param podsPerWorker      most pods a churn worker keeps at once
 * @param containersPerPod   most containers a worker keeps in one pod
 * @param minChurnMillis     shortest churn between a restart's checks and the next kill
 * @param maxChurnMillis     longest such churn
 * @param recoveryKillPercent share of kills aimed at the daemon's start (recovery) instead of at churn
 * @param jcriLauncher       command that runs the daemon (empty: {@code java -jar jcri.jar}, as the suite)
 * @param debugLog           run the daemon with {@code --log-level debug}
 * @param answerLimitMillis  how soon after its launch a restarted daemon must answer List and Status
 */
public record ChaosOptions(
        int kills,
        long seed,
        Path workDir,
        boolean keep,
        String handler,
        int podsPerWorker,
        int containersPerPod,
        long minChurnMillis,
        long maxChurnMillis,
        int recoveryKillPercent,
        List<String> jcriLauncher,
        boolean debugLog,
        long answerLimitMillis) {

    public ChaosOptions {
        if (kills < 1) {
            throw new IllegalArgumentException("--kills must be at least 1");
        }
        if (!handler.equals("runc") && !handler.equals("crun")) {
            throw new IllegalArgumentException("--handler must be runc or crun, not " + handler);
        }
        if (podsPerWorker < 1 || containersPerPod < 1) {
            throw new IllegalArgumentException("--pods-per-worker and --containers-per-pod must be at least 1");
        }
        if (minChurnMillis < 0 || maxChurnMillis < minChurnMillis) {
            throw new IllegalArgumentException("--churn-ms needs 0 <= MIN <= MAX");
        }
        if (recoveryKillPercent < 0 || recoveryKillPercent > 100) {
            throw new IllegalArgumentException("--recovery-kills must be a percentage (0-100)");
        }
        if (answerLimitMillis < 0) {
            throw new IllegalArgumentException("--answer-limit-ms must be 0 (report only) or positive");
        }
        jcriLauncher = List.copyOf(jcriLauncher);
    }

    /** The defaults, with {@code kills} kills and {@code seed}. */
    public static ChaosOptions defaults(int kills, long seed) {
        return new ChaosOptions(kills, seed, null, false, "runc", 3, 3, 300, 2500, 15, List.of(), false, 0);
    }

    public ChaosOptions withWorkDir(Path dir, boolean keepIt) {
        return new ChaosOptions(kills, seed, dir, keepIt, handler, podsPerWorker, containersPerPod, minChurnMillis,
                maxChurnMillis, recoveryKillPercent, jcriLauncher, debugLog, answerLimitMillis);
    }

    public static String usage() {
        return """
                usage: chaos [options]
                  --kills N              SIGKILLs of the daemon, each followed by a restart and checks (default 20)
                  --seed S               seed of every random choice; printed at the start (default: random)
                  --work-dir DIR         the daemon's root, state, socket, logs (default: new dir under /tmp,
                                         removed at the end)
                  --keep                 keep the work directory (daemon log jcri/jcri.log, leftovers)
                  --handler H            runc or crun: the runtime handler of every pod (default runc)
                  --pods-per-worker N    most pods each of the two churn workers keeps (default 3)
                  --containers-per-pod N most containers a worker keeps in one pod (default 3)
                  --churn-ms MIN,MAX     churn time between a restart's checks and the next kill (default 300,2500)
                  --recovery-kills P     percent of kills aimed at the daemon's start-up recovery (default 15)
                  --jcri-launcher CMD    command that runs the daemon (default: java -jar jcri.jar;
                                         bin/chaos passes bin/jcri: the production JVM flags)
                  --debug                daemon log level debug
                  --answer-limit-ms MS   a restarted daemon must answer List and Status this soon after its
                                         launch (default 0: the times are reported, not judged)
                The last line of the output is "chaos: N kills, X leaked, Y lost, Z wrong"; the exit status
                is 0 when all three are 0, 1 otherwise, 2 for bad options.
                """;
    }

    public static ChaosOptions parse(String... args) {
        ChaosOptions o = defaults(20, new java.util.Random().nextLong());
        int kills = o.kills;
        long seed = o.seed;
        Path work = null;
        boolean keep = false;
        String handler = o.handler;
        int pods = o.podsPerWorker;
        int containers = o.containersPerPod;
        long minChurn = o.minChurnMillis;
        long maxChurn = o.maxChurnMillis;
        int recovery = o.recoveryKillPercent;
        List<String> launcher = List.of();
        boolean debug = false;
        long answerLimit = o.answerLimitMillis;
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        try {
            for (int i = 0; i < rest.size(); i++) {
                String a = rest.get(i);
                switch (a) {
                    case "--kills" -> kills = Integer.parseInt(rest.get(++i));
                    case "--seed" -> seed = Long.parseLong(rest.get(++i));
                    case "--work-dir" -> work = Path.of(rest.get(++i));
                    case "--keep" -> keep = true;
                    case "--handler" -> handler = rest.get(++i);
                    case "--pods-per-worker" -> pods = Integer.parseInt(rest.get(++i));
                    case "--containers-per-pod" -> containers = Integer.parseInt(rest.get(++i));
                    case "--churn-ms" -> {
                        String[] range = rest.get(++i).split(",");
                        minChurn = Long.parseLong(range[0].strip());
                        maxChurn = Long.parseLong(range[range.length - 1].strip());
                    }
                    case "--recovery-kills" -> recovery = Integer.parseInt(rest.get(++i));
                    case "--jcri-launcher" -> launcher = List.of(rest.get(++i).split(" "));
                    case "--debug" -> debug = true;
                    case "--answer-limit-ms" -> answerLimit = Long.parseLong(rest.get(++i));
                    case "-h", "--help" -> throw new IllegalArgumentException("");
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("option " + rest.getLast() + " needs a value");
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + e.getMessage());
        }
        return new ChaosOptions(kills, seed, work, keep, handler, pods, containers, minChurn, maxChurn, recovery, launcher,
                debug, answerLimit);
    }
}
