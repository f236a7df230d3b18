package dev.jcri.linux;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pseudo-terminal pair opened by jcri: the master stays here, the slave ({@link #slavePath()})
 * is given to a child process as its stdio, and {@link #resize} sets the window size the child
 * reads from it.
 *
 * <p>Reads and writes are blocking native calls: call them on platform threads (a virtual thread
 * would pin its carrier for as long as the terminal is quiet). Reading ends with -1 once every
 * holder of the slave has closed it (the kernel answers EIO then), which is how a reader learns
 * that the child exited. Close the master only after its reader has returned, so that a descriptor
 * number reused by another open can never be read by a late reader.
 */
public final class Pty implements AutoCloseable {

    private static final int O_RDWR = 02;
    private static final int O_NOCTTY = 0400;
    private static final int O_CLOEXEC = 02000000;
    private static final long TIOCSPTLCK = 0x40045431L;
    private static final long TIOCGPTN = 0x80045430L;
    private static final long TIOCSWINSZ = 0x5414L;
    private static final int EIO = 5;
    private static final int EINTR = 4;

    private final int master;
    private final Path slave;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pty(int master, Path slave) {
        this.master = master;
        this.slave = slave;
    }

    /** Opens a new master on /dev/ptmx and unlocks its slave. */
    public static Pty open() throws IOException {
        int fd = Native.posix().open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
        Native.checkPosix(fd, "open", "/dev/ptmx");
        try {
            byte[] arg = new byte[4]; // int 0: unlock
            Native.checkLibC(Native.libc().ioctl(fd, TIOCSPTLCK, arg), "ioctl TIOCSPTLCK", "/dev/ptmx");
            Native.checkLibC(Native.libc().ioctl(fd, TIOCGPTN, arg), "ioctl TIOCGPTN", "/dev/ptmx");
            int number = (arg[0] & 0xff) | (arg[1] & 0xff) << 8 | (arg[2] & 0xff) << 16 | (arg[3] & 0xff) << 24;
            return new Pty(fd, Path.of("/dev/pts/" + number));
        } catch (IOException e) {
            Native.posix().close(fd);
            throw e;
        }
    }

    /** The slave's device path, to open as a child's stdin, stdout and stderr. */
    public Path slavePath() {
        return slave;
    }

    /** Sets the terminal's window size (struct winsize: rows, columns, then unused pixel sizes). */
    public void resize(int columns, int rows) throws IOException {
        byte[] winsize = new byte[8];
        winsize[0] = (byte) rows;
        winsize[1] = (byte) (rows >>> 8);
        winsize[2] = (byte) columns;
        winsize[3] = (byte) (columns >>> 8);
        Native.checkLibC(Native.libc().ioctl(master, TIOCSWINSZ, winsize), "ioctl TIOCSWINSZ", slave.toString());
    }

    /** Reads what the child wrote into {@code buf}; -1 once no process holds the slave any more. */
    public int read(byte[] buf) throws IOException {
        while (true) {
            int n = Native.posix().read(master, buf, buf.length);
            if (n >= 0) {
                return n == 0 ? -1 : n;
            }
            int errno = Native.posix().errno();
            if (errno == EIO) {
                return -1;
            }
            if (errno != EINTR) {
                throw new NativeCallException("read", slave.toString(), errno);
            }
        }
    }

    /** Writes all of {@code buf[off, off+len)} as the child's terminal input. */
    public void write(byte[] buf, int off, int len) throws IOException {
        if (closed.get()) {
            throw new IOException("terminal " + slave + " is closed");
        }
        byte[] chunk = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, off + len);
        int done = 0;
        while (done < len) {
            byte[] rest = done == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, done, len);
            int n = Native.posix().write(master, rest, len - done);
            if (n < 0) {
                int errno = Native.posix().errno();
                if (errno == EINTR) {
                    continue;
                }
                throw new NativeCallException("write", slave.toString(), errno);
            }
            done += n;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Native.posix().close(master);
        }
    }
}
