package dev.jcri.linux;

/**
 * openat2(2) cannot be called here: ENOSYS (a kernel before Linux 5.6) or EPERM (a seccomp filter
 * around jcri denies it). Paths inside a container's rootfs are then not resolved at all, rather
 * than resolved by a weaker method: the caller reports it as a node problem.
 */
public final class Openat2UnavailableException extends NativeCallException {
    private static final long serialVersionUID = 1L;

    Openat2UnavailableException(String subject, int errno) {
        super("openat2", subject + " (openat2 needs Linux 5.6 or later and no seccomp filter denying it)", errno);
    }
}
