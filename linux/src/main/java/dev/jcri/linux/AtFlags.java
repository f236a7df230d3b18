package dev.jcri.linux;

/** The {@code *at(2)} family's directory and flag constants (linux/fcntl.h), in one place. */
final class AtFlags {
    private AtFlags() {}

    /** The directory argument meaning "the current directory" (paths are absolute here anyway). */
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_NO_AUTOMOUNT = 0x800;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int AT_RECURSIVE = 0x8000;
}
