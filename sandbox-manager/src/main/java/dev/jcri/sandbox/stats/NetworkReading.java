package dev.jcri.sandbox.stats;

import java.util.List;
import java.util.Optional;

/**
 * A pod's interfaces as read inside its network namespace, loopback left out (it carries no pod
 * traffic, and cAdvisor and kubelet leave it out too).
 *
 * <p>At most {@link #MAX_INTERFACES}, the default one always among them: a container with
 * CAP_NET_ADMIN can make thousands of interfaces in its pod's namespace, and each would be a
 * message entry and a metric series (interface names become Prometheus label values).
 *
 * @param timestampNanos when the counters were read (nanoseconds since the epoch)
 */
public record NetworkReading(long timestampNanos, List<InterfaceCounters> interfaces) {

    /** The interface CNI plugins give a pod, reported as the default one (as containerd and CRI-O do). */
    public static final String DEFAULT_INTERFACE = "eth0";
    /** Interfaces reported per pod; a real pod has one or a few (multus: a handful). */
    public static final int MAX_INTERFACES = 32;

    public NetworkReading {
        interfaces = capped(interfaces);
    }

    /** The default interface first if present, then the others in the kernel's order, up to the cap. */
    static List<InterfaceCounters> capped(List<InterfaceCounters> all) {
        if (all.size() <= MAX_INTERFACES) {
            return List.copyOf(all);
        }
        java.util.ArrayList<InterfaceCounters> kept = new java.util.ArrayList<>(MAX_INTERFACES);
        all.stream().filter(i -> i.name().equals(DEFAULT_INTERFACE)).findFirst().ifPresent(kept::add);
        for (InterfaceCounters i : all) {
            if (kept.size() == MAX_INTERFACES) {
                break;
            }
            if (!i.name().equals(DEFAULT_INTERFACE)) {
                kept.add(i);
            }
        }
        return List.copyOf(kept);
    }

    public Optional<InterfaceCounters> defaultInterface() {
        return interfaces.stream().filter(i -> i.name().equals(DEFAULT_INTERFACE)).findFirst();
    }
}
