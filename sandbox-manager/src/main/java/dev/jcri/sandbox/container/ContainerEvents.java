package dev.jcri.sandbox.container;

import dev.jcri.sandbox.util.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes of containers' states as they happen (GetContainerEvents, kubelet's evented PLEG).
 * Published by the verbs under the container's lock, so one container's events are in order.
 * Subscribers are called on the publishing thread and must not block (they queue and return).
 *
 * <p>Events published before anyone subscribed (the exits recovery found after a restart) are kept,
 * up to {@link #HELD_BEFORE_FIRST}, and given to the first subscriber once: they are not lost
 * between the restart and kubelet's reconnection.
 */
public final class ContainerEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerEvents.class);
    static final int HELD_BEFORE_FIRST = 1024;

    public enum Type { CREATED, STARTED, STOPPED, DELETED }

    /** One change: the container's record as it was right after it (its last record, for DELETED). */
    public record Event(Type type, ContainerRecord container, long atNanos) {}

    @FunctionalInterface
    public interface Subscriber {
        void on(Event event);
    }

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private List<Event> heldBeforeFirst = new ArrayList<>();

    /** Subscribes; the first subscriber gets the events held since start first. Closing unsubscribes. */
    public AutoCloseable subscribe(Subscriber subscriber) {
        synchronized (this) {
            if (heldBeforeFirst != null) {
                heldBeforeFirst.forEach(subscriber::on); // under the lock: before any newer event
                heldBeforeFirst = null;
            }
            subscribers.add(subscriber);
        }
        return () -> subscribers.remove(subscriber);
    }

    void publish(Type type, ContainerRecord container) {
        Event event = new Event(type, container, Ids.nowNanos());
        synchronized (this) {
            if (heldBeforeFirst != null) {
                if (heldBeforeFirst.size() < HELD_BEFORE_FIRST) {
                    heldBeforeFirst.add(event);
                }
                return;
            }
        }
        for (Subscriber s : subscribers) {
            try {
                s.on(event);
            } catch (RuntimeException e) {
                LOG.warn("an event subscriber failed on {} of {}: {}", type, Ids.shortId(container.id()), e.toString());
            }
        }
    }
}
