package dev.jcri.linux;

import java.io.IOException;
import jnr.constants.platform.Errno;

/**
 * A system call failed: names the call, the path (or other subject) and the errno, e.g.
 * {@code mount /run/x: EPERM (Operation not permitted)}.
 *
 * <p>Callers branch on {@link #errno()} (compare with {@link Errno#intValue()}) rather than
 * parsing messages, e.g. to treat EINVAL from umount2 as "not mounted".
 */
public class NativeCallException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final String subject;
    private final int errno;

    public NativeCallException(String call, String subject, int errno) {
        super(call + (subject == null ? "" : " " + subject) + ": " + describe(errno));
        this.call = call;
        this.subject = subject;
        this.errno = errno;
    }

    /** The libc function that failed, e.g. {@code "mount"}. */
    public String call() {
        return call;
    }

    /** The path (or other subject) the call was about; may be null. */
    public String subject() {
        return subject;
    }

    public int errno() {
        return errno;
    }

    /** Whether the errno is the given one, e.g. {@code e.is(Errno.EBUSY)}. */
    public boolean is(Errno which) {
        return which.intValue() == errno;
    }

    /** "ENOENT (No such file or directory)": the symbolic name helps grepping, the text helps reading. */
    static String describe(int errno) {
        Errno known = Errno.valueOf(errno);
        String name = known == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : known.name();
        String text = known == Errno.__UNKNOWN_CONSTANT__ ? "unknown error" : known.description();
        return name + " (" + text + ")";
    }
}
