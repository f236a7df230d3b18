package dev.jcri.conformance.fuzz;

import com.google.protobuf.Message;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.Set;

/**
 * One row of the fuzz table: a name, the call (which builds its request, creating whatever objects
 * it needs through the {@link Fixture}), what the runtime must answer, and, while the product is
 * wrong about it, why (so the run reports it as known instead of failing).
 *
 * @param knownBroken null, or the issue and root cause that make today's runtime fail this case
 * @param race        the case is a race that today's runtime loses only sometimes: passing it once
 *                    does not prove the fix
 */
record FuzzCase(String name, Call call, Expect expect, String knownBroken, boolean race) {

    /** Builds the request (setting up objects through the fixture) and makes the call. */
    @FunctionalInterface
    interface Call {
        Answer run(Fixture fixture) throws Exception;
    }

    /** The status the runtime answered and, when OK, its response (null for several calls at once). */
    record Answer(Status status, Message response) {}

    /**
     * The acceptable codes and the text the message must contain (the field, or the object, it
     * is about). {@link #TARGET} stands for the ID of the object the case set up (its first 13
     * characters suffice, as crictl shows IDs).
     */
    record Expect(Set<Status.Code> codes, String names) {
        static final String TARGET = "<the target object's id>";

        boolean allowsOk() {
            return codes.contains(Status.Code.OK);
        }

        @Override
        public String toString() {
            String c = codes.size() == 1 ? codes.iterator().next().name() : codes.toString();
            return names == null ? c : c + " naming \"" + names + "\"";
        }
    }

    static FuzzCase c(String name, Call call, Expect expect) {
        return new FuzzCase(name, call, expect, null, false);
    }

    /** Marks the case as failing on today's code: it still runs, is reported, and is skipped with this reason. */
    FuzzCase knownBroken(String reason) {
        return new FuzzCase(name, call, expect, reason, false);
    }

    /** As {@link #knownBroken}, for a race today's runtime loses only sometimes. */
    FuzzCase knownBrokenRace(String reason) {
        return new FuzzCase(name, call, expect, reason, true);
    }

    static Expect ok() {
        return new Expect(EnumSet.of(Status.Code.OK), null);
    }

    static Expect invalid(String field) {
        return new Expect(EnumSet.of(Status.Code.INVALID_ARGUMENT), field);
    }

    /** A number or list outside what the field (or this node) allows: INVALID_ARGUMENT or OUT_OF_RANGE. */
    static Expect outOfRange(String field) {
        return new Expect(EnumSet.of(Status.Code.INVALID_ARGUMENT, Status.Code.OUT_OF_RANGE), field);
    }

    static Expect notFound(String names) {
        return new Expect(EnumSet.of(Status.Code.NOT_FOUND), names);
    }

    static Expect alreadyExists(String names) {
        return new Expect(EnumSet.of(Status.Code.ALREADY_EXISTS), names);
    }

    static Expect precondition(String names) {
        return new Expect(EnumSet.of(Status.Code.FAILED_PRECONDITION), names);
    }

    /** Either answer is right (e.g. a stats call on an exited container: empty stats or a refusal). */
    static Expect okOr(Status.Code code, String names) {
        return new Expect(EnumSet.of(Status.Code.OK, code), names);
    }
}
