package dev.jcri.server.streaming;

import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Flow control of one client connection, both ways, with bounded buffers.
 *
 * <p>Towards the client: a session's pump thread {@link #awaitWritable waits} while Netty's outbound
 * buffer is above its high water mark, so it stops reading from the process (whose writes then
 * block in turn). Towards the process: {@link InboundPipe}s {@link #pauseReading pause reading} from
 * the client while any of them holds more than its limit, and resume once all have drained.
 */
final class Backpressure {

    private final Channel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition writable = lock.newCondition();
    private final AtomicInteger pausedPipes = new AtomicInteger();

    Backpressure(Channel channel) {
        this.channel = channel;
    }

    /** Blocks until the connection takes more output; IOException once it is closed. */
    void awaitWritable() throws IOException {
        if (channel.isWritable()) {
            return;
        }
        lock.lock();
        try {
            while (!channel.isWritable()) {
                if (!channel.isActive()) {
                    throw new IOException("the client closed the connection");
                }
                writable.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the client to read");
        } finally {
            lock.unlock();
        }
        if (!channel.isActive()) {
            throw new IOException("the client closed the connection");
        }
    }

    /** Netty's writability changed or the channel closed: wake the writers. */
    void signal() {
        lock.lock();
        try {
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void pauseReading() {
        if (pausedPipes.incrementAndGet() == 1) {
            channel.config().setAutoRead(false);
        }
    }

    void resumeReading() {
        if (pausedPipes.decrementAndGet() == 0) {
            channel.config().setAutoRead(true);
        }
    }
}
