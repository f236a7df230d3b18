package dev.jcri.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jcri.image.manifest.ImageConfig;
import dev.jcri.image.ref.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConfigCacheTest {

    private static final ImageConfig CONFIG;

    static {
        try {
            CONFIG = ImageConfig.parse("{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8), "test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Digest id(int i) {
        return Digest.sha256(new byte[] {(byte) i});
    }

    @Test
    void keepsWithinItsBudgetDroppingTheLeastRecentlyUsed() {
        ConfigCache cache = new ConfigCache(100);
        cache.put(id(1), CONFIG, 40);
        cache.put(id(2), CONFIG, 40);
        assertNotNull(cache.get(id(1))); // 1 is now the most recently used
        cache.put(id(3), CONFIG, 40);
        assertNull(cache.get(id(2)), "the least recently used went");
        assertNotNull(cache.get(id(1)));
        assertNotNull(cache.get(id(3)));
        assertEquals(80, cache.bytes());
    }

    @Test
    void aConfigBiggerThanTheBudgetIsNotKept() {
        ConfigCache cache = new ConfigCache(100);
        cache.put(id(1), CONFIG, 40);
        cache.put(id(2), CONFIG, 101);
        assertNull(cache.get(id(2)));
        assertNotNull(cache.get(id(1)), "nothing else was evicted for it");
        cache.remove(id(1));
        assertEquals(0, cache.bytes());
        assertEquals(0, cache.size());
    }
}
