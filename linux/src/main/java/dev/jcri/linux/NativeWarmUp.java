package dev.jcri.linux;

/**
 * Loads the native bindings ahead of their first use, on a thread of its own: loading jnr-posix
 * generates its call stubs (half a second and more on a loaded node), and the daemon's start-up,
 * which needs them early (its directories' modes), should not wait for that after reading its
 * configuration when both can run at once.
 */
public final class NativeWarmUp {

    private NativeWarmUp() {}

    /** Starts loading; a failure here is left for the first real use to report. */
    public static void inBackground() {
        Thread.ofPlatform().daemon().name("native-warm-up").start(() -> {
            try {
                Native.posix(); // in the order the daemon's first calls need them
                Native.libc();
            } catch (Throwable e) {
                // the first real use fails with the same error, where it is reported
            }
        });
    }
}
