package dev.jcri.linux;

/**
 * kill(2) with any signal. ProcessHandle can only send SIGTERM/SIGKILL; stopping a process tree
 * (SIGSTOP) or signalling a process group (negative pid) needs the real call.
 */
public final class Signals {
    private Signals() {}

    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGWINCH = 28;

    /** Sends {@code signal} to {@code pid} (negative: a process group). */
    public static void kill(long pid, int signal) throws NativeCallException {
        Native.checkPosix(Native.posix().kill(pid, signal), "kill", "pid " + pid + " signal " + signal);
    }

    /** Like {@link #kill} but returns false instead of failing when the process is already gone (ESRCH). */
    public static boolean killIfAlive(long pid, int signal) throws NativeCallException {
        try {
            kill(pid, signal);
            return true;
        } catch (NativeCallException e) {
            if (e.is(jnr.constants.platform.Errno.ESRCH)) {
                return false;
            }
            throw e;
        }
    }
}
