package dev.jcri.sandbox.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /proc/net/dev}: two header lines, then one line per interface,
 * {@code name: rx_bytes rx_packets rx_errs rx_drop fifo frame compressed multicast tx_bytes
 * tx_packets tx_errs tx_drop fifo colls carrier compressed}. The file comes from the kernel, but a
 * line that does not have that shape is skipped rather than trusted (an interface name may hold
 * almost any character, ':' included, so the name ends at the last ':' before the counters).
 */
public final class NetDev {

    private static final int FIELDS = 16;

    private NetDev() {}

    /** Every interface but loopback, in file order. */
    public static List<InterfaceCounters> parse(String text) {
        List<InterfaceCounters> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            int colon = line.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (name.isEmpty() || name.equals("lo") || f.length < FIELDS) {
                continue;
            }
            try {
                out.add(new InterfaceCounters(name, Long.parseUnsignedLong(f[0]), Long.parseUnsignedLong(f[1]),
                        Long.parseUnsignedLong(f[2]), Long.parseUnsignedLong(f[3]), Long.parseUnsignedLong(f[8]),
                        Long.parseUnsignedLong(f[9]), Long.parseUnsignedLong(f[10]), Long.parseUnsignedLong(f[11])));
            } catch (NumberFormatException e) {
                // not a counters line (a header): skip it
            }
        }
        return out;
    }
}
