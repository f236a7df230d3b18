package dev.jcri.sandbox.stats;

/** One network interface's counters since it was created, as the kernel keeps them (bytes, packets, errors, drops). */
public record InterfaceCounters(String name, long rxBytes, long rxPackets, long rxErrors, long rxDropped,
                                long txBytes, long txPackets, long txErrors, long txDropped) {}
