package dev.jcri.sandbox.util;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The CRI configs records keep as protobuf bytes, parsed once per stored array instead of on every
 * List and Status call (kubelet makes them every second, for every pod and container).
 *
 * <p>Keyed by the array itself: arrays compare by identity, and a record's copies (a new state, a
 * new pid) share their config's array, so all of a record's versions hit one entry. Weak keys:
 * an entry goes when the last record holding its array does, with no removal to remember. A
 * parsed message copies what it needs from the bytes, so it does not keep its key alive. Records
 * never change their config's bytes (they are values); a changed config is a new array.
 */
public final class ParsedConfigs<M extends MessageLite> {

    private final Parser<M> parser;
    @SuppressWarnings("UndefinedEquals") // identity is the point: one entry per stored array
    private final Map<byte[], M> parsed = Collections.synchronizedMap(new WeakHashMap<>());

    public ParsedConfigs(Parser<M> parser) {
        this.parser = parser;
    }

    /** The message {@code bytes} encode. */
    public M of(byte[] bytes) throws InvalidProtocolBufferException {
        M message = parsed.get(bytes);
        if (message == null) {
            message = parser.parseFrom(bytes);
            parsed.put(bytes, message);
        }
        return message;
    }

    /** Arrays parsed and still held by some record (for tests). */
    int size() {
        return parsed.size();
    }
}
