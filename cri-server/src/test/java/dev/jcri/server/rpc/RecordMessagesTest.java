package dev.jcri.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A record's message is built once per version of the record: the same record object gets the same
 * message, a new version (equal or not) a new one; removed records' messages do not stay.
 */
class RecordMessagesTest {

    record Rec(String id, String state) {}

    @Test
    void oneMessagePerRecordVersionAndNoneForRecordsGone() {
        AtomicInteger builds = new AtomicInteger();
        RecordMessages<Rec, String> messages = new RecordMessages<>(Rec::id, r -> {
            builds.incrementAndGet();
            return r.id() + "=" + r.state();
        });
        Rec a1 = new Rec("a", "running");
        Rec b = new Rec("b", "running");
        String first = messages.of(a1);
        assertSame(first, messages.of(a1), "an unchanged record: the message built before");
        assertEquals(1, builds.get());

        Rec a2 = new Rec("a", "exited"); // the store replaced the record: a new version
        assertEquals("a=exited", messages.of(a2));
        Rec a3 = new Rec("a", "exited"); // equal to the last, but another version: built again, never stale
        assertNotSame(messages.of(a2), messages.of(a3));
        assertEquals(3, builds.get());

        messages.of(b);
        messages.forget("b");
        assertEquals(1, messages.size());
        messages.of(b);
        messages.retain(List.of(a3)); // b removed without its Remove call (with its pod, in a recovery)
        assertEquals(1, messages.size());
        messages.retain(List.of());
        assertEquals(0, messages.size());
    }
}
