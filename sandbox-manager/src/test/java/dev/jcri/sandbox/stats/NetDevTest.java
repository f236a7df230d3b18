package dev.jcri.sandbox.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetDevTest {

    private static final String FILE = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:     140       2    0    0    0     0          0         0      140       2    0    0    0     0       0          0
              eth0: 1234567     890    3    4    0     0          0         0   765432     321    5    6    0     0       0          0
            net1:2:18446744073709551615 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0
              bad0: 12 x 0 0 0 0 0 0 1 1 0 0 0 0 0 0
             short: 1 2 3
            """;

    @Test
    void parsesEveryInterfaceButLoopbackAndSkipsMalformedLines() {
        List<InterfaceCounters> parsed = NetDev.parse(FILE);
        assertEquals(List.of(new InterfaceCounters("eth0", 1234567, 890, 3, 4, 765432, 321, 5, 6),
                new InterfaceCounters("net1:2", -1, 1, 0, 0, 7, 1, 0, 0)), parsed);
    }

    @Test
    void anEmptyFileHasNoInterfaces() {
        assertEquals(List.of(), NetDev.parse(""));
    }

    @Test
    void aPodWithThousandsOfInterfacesReportsACappedListWithItsDefaultInterface() {
        List<InterfaceCounters> many = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            many.add(new InterfaceCounters("veth" + i, i, 0, 0, 0, 0, 0, 0, 0));
        }
        many.add(new InterfaceCounters("eth0", 7, 0, 0, 0, 0, 0, 0, 0));
        NetworkReading reading = new NetworkReading(1, many);
        assertEquals(NetworkReading.MAX_INTERFACES, reading.interfaces().size());
        assertEquals("eth0", reading.interfaces().getFirst().name());
        assertEquals(7, reading.defaultInterface().orElseThrow().rxBytes());
        assertEquals("veth0", reading.interfaces().get(1).name());
    }
}
