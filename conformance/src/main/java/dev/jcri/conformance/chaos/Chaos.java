package dev.jcri.conformance.chaos;

/**
 * The chaos tool's entry point ({@code sudo bin/chaos --kills 200 --seed S}): progress on stderr,
 * the report on stdout, its last line "chaos: N kills, X leaked, Y lost, Z wrong". Exit status 0
 * when all three counts are 0, 1 otherwise (or when the run itself failed), 2 for bad options.
 */
public final class Chaos {

    /** Held, so the level set on it stays (the JDK keeps loggers only weakly). */
    private static final java.util.logging.Logger NETTY_BOOTSTRAP =
            java.util.logging.Logger.getLogger("io.netty.bootstrap");

    private Chaos() {}

    public static void main(String[] args) {
        // every client channel warns that a UNIX socket has no SO_KEEPALIVE; harmless, and one per restart
        NETTY_BOOTSTRAP.setLevel(java.util.logging.Level.SEVERE);
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && !e.getMessage().isEmpty()) {
                System.err.println("chaos: " + e.getMessage());
            }
            System.err.print(ChaosOptions.usage());
            System.exit(2);
            return;
        }
        try {
            ChaosReport report = new ChaosRun(options, System.err).run();
            System.out.print(report.text());
            System.exit(report.clean() ? 0 : 1);
        } catch (Exception e) {
            System.err.println("chaos: the run failed (seed " + options.seed() + "): " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }
}
