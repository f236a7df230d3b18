package dev.jcri.sandbox.stats;

import java.util.List;
import java.util.Optional;

/**
 * A pod's interfaces as read inside its network namespace, loopback left out (it carries no pod
 * traffic, and cAdvisor and kubelet leave it out too).
 *
 * @param timestampNanos when the counters were read (nanoseconds since the epoch)
 */
public record NetworkReading(long timestampNanos, List<InterfaceCounters> interfaces) {

    /** The interface CNI plugins give a pod, reported as the default one (as containerd and CRI-O do). */
    public static final String DEFAULT_INTERFACE = "eth0";

    public NetworkReading {
        interfaces = List.copyOf(interfaces);
    }

    public Optional<InterfaceCounters> defaultInterface() {
        return interfaces.stream().filter(i -> i.name().equals(DEFAULT_INTERFACE)).findFirst();
    }
}
