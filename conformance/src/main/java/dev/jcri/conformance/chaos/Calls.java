package dev.jcri.conformance.chaos;

import dev.jcri.conformance.CriClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The churn's calls to whichever daemon is up, each classified: answered OK, cut by a kill (it may
 * or may not have happened), refused for a reason a race explains (NOT_FOUND, FAILED_PRECONDITION,
 * ALREADY_EXISTS: another worker removed or stopped the object first), or failed (anything else
 * from a daemon that was not killed: reported as an error, grouped by call, code and message).
 */
final class Calls {

    enum Kind { OK, CUT, REFUSED, FAILED }

    record Result<T>(Kind kind, T value, String error) {
        boolean ok() {
            return kind == Kind.OK;
        }
    }

    private volatile CriClient client;
    /** Bumped at each kill: a call that spans a kill (or starts while no daemon serves) was cut. */
    private final AtomicLong epoch = new AtomicLong();
    private volatile boolean serving;
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger cut = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final Map<String, Integer> errors = new TreeMap<>();

    /** A daemon serves on {@code cri}. */
    void serving(CriClient cri) {
        client = cri;
        serving = true;
    }

    /** The daemon is about to be killed: every call in flight from now on is cut. */
    void killing() {
        serving = false;
        epoch.incrementAndGet();
    }

    <T> Result<T> call(String rpc, Function<CriClient, T> call) {
        long before = epoch.get();
        boolean wasServing = serving;
        try {
            T value = call.apply(client);
            ok.incrementAndGet();
            return new Result<>(Kind.OK, value, "");
        } catch (StatusRuntimeException e) {
            String error = rpc + " " + e.getStatus().getCode() + ": " + e.getStatus().getDescription();
            if (!wasServing || epoch.get() != before) {
                cut.incrementAndGet();
                return new Result<>(Kind.CUT, null, error);
            }
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.NOT_FOUND || code == Status.Code.FAILED_PRECONDITION || code == Status.Code.ALREADY_EXISTS) {
                refused.incrementAndGet();
                return new Result<>(Kind.REFUSED, null, error);
            }
            synchronized (errors) {
                errors.merge(normalize(error), 1, Integer::sum);
            }
            return new Result<>(Kind.FAILED, null, error);
        }
    }

    /** Object IDs and numbers replaced, so one kind of error is one line however often it came. */
    static String normalize(String error) {
        String s = error.replaceAll("[0-9a-f]{64}", "<id>").replaceAll("[0-9a-f]{12}\\b", "<id>")
                .replaceAll("\\b\\d+\\b", "N");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    String summary() {
        int failed;
        synchronized (errors) {
            failed = errors.values().stream().mapToInt(Integer::intValue).sum();
        }
        return ok.get() + " answered OK, " + cut.get() + " cut by a kill, " + refused.get() + " refused (races), " + failed
                + " failed";
    }

    /** Failed calls: "count x call CODE: message". */
    Map<String, Integer> errors() {
        synchronized (errors) {
            return new TreeMap<>(errors);
        }
    }
}
