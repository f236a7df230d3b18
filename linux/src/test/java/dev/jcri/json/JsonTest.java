package dev.jcri.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {

    record Snapshot(String key, int id) {}

    @Test
    void aRecordWrittenByANewerVersionStillLoads() throws IOException {
        byte[] newer = "{\"key\":\"k\",\"id\":7,\"addedLater\":{\"x\":[1,2]}}".getBytes(StandardCharsets.UTF_8);
        assertEquals(new Snapshot("k", 7), Json.reader().readValue(newer, Snapshot.class));
    }

    @Test
    void compactForProgramsIndentedForHumans() throws IOException {
        Snapshot s = new Snapshot("k", 7);
        assertEquals("{\"key\":\"k\",\"id\":7}", Json.writer().writeValueAsString(s));
        String pretty = Json.prettyWriter().writeValueAsString(s);
        assertTrue(pretty.contains("\n"), pretty);
        assertEquals(s, Json.reader().readValue(pretty, Snapshot.class));
    }

    @Test
    void outsideDocumentsAreBoundedInTokensAndDepth() {
        byte[] many = ("[" + "0,".repeat(2000) + "0]").getBytes(StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> BoundedJson.readTree(many, 1000));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
        byte[] deep = ("[".repeat(BoundedJson.MAX_DEPTH + 1) + "]".repeat(BoundedJson.MAX_DEPTH + 1))
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> BoundedJson.readTree(deep, 1000));
    }
}
