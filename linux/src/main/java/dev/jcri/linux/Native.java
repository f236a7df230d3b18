package dev.jcri.linux;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * The two native handles of this module, loaded once and lazily.
 *
 * <p>Lazy because loading jnr-posix costs ~0.7 s on first use (it generates call stubs), which
 * code paths that never touch native calls should not pay. The holder classes make the first use
 * thread-safe without locks.
 */
final class Native {
    private Native() {}

    private static final class LibCHolder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).failImmediately().load("c");
        static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
    }

    private static final class PosixHolder {
        // The native POSIX (not the Java fallback): we need real lchown/mkfifo/kill semantics.
        static final POSIX INSTANCE = POSIXFactory.getNativePOSIX();
    }

    static LibC libc() {
        return LibCHolder.LIBC;
    }

    static jnr.ffi.Runtime runtime() {
        return LibCHolder.RUNTIME;
    }

    static POSIX posix() {
        return PosixHolder.INSTANCE;
    }

    /** errno saved by the last {@link LibC} call on this thread. */
    static int libcErrno() {
        return LastError.getLastError(LibCHolder.RUNTIME);
    }

    /** Throws a {@link NativeCallException} when a libc call returned -1. */
    static void checkLibC(long result, String call, String path) throws NativeCallException {
        if (result < 0) {
            throw new NativeCallException(call, path, libcErrno());
        }
    }

    /** Throws a {@link NativeCallException} when a jnr-posix call returned -1. */
    static void checkPosix(int result, String call, String path) throws NativeCallException {
        if (result < 0) {
            throw new NativeCallException(call, path, posix().errno());
        }
    }
}
