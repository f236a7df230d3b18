package dev.jcri.server.grpc;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The CRI's Stream* list calls: the same items as the unary twin, sent as a server stream of
 * pages, so a node with thousands of objects is never limited by one message's size (kubelet's is
 * 16 MiB). A page holds items up to {@link #PAGE_BYTES} of encoded size (always at least one item);
 * an empty list is one empty page, so the client always gets an answer. A client that cancels
 * stops the sending.
 */
public final class PagedList {

    /** Encoded bytes of items per page: well below any client's message limit, large enough to keep pages few. */
    public static final int PAGE_BYTES = 1 << 20;

    private PagedList() {}

    /** Lists the items of a request; may block (handlers run on virtual threads) or throw like a unary handler. */
    @FunctionalInterface
    public interface Lister<Q, T> {
        List<T> list(Q request) throws Exception;
    }

    /**
     * A server-streaming handler for {@code method}: {@code lister} gives the items, {@code page}
     * wraps a page of them in the response message.
     */
    public static <Q, R, T extends MessageLite> ServerCallHandler<Q, R> handler(MethodDescriptor<Q, R> method,
            Lister<Q, T> lister, Function<List<T>, R> page) {
        String name = method.getFullMethodName();
        return ServerCalls.asyncServerStreamingCall((Q request, StreamObserver<R> responses) -> {
            List<T> items;
            try {
                items = lister.list(request);
            } catch (Throwable t) {
                responses.onError(RpcErrors.toStatus(name, t).asRuntimeException());
                return;
            }
            ServerCallStreamObserver<R> call = (ServerCallStreamObserver<R>) responses;
            for (List<T> p : pages(items, PAGE_BYTES)) {
                if (call.isCancelled()) {
                    return;
                }
                responses.onNext(page.apply(p));
            }
            responses.onCompleted();
        });
    }

    /** Splits {@code items} into pages of at most {@code maxBytes} encoded (each item framed as a repeated field). */
    static <T extends MessageLite> List<List<T>> pages(List<T> items, int maxBytes) {
        List<List<T>> pages = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long bytes = 0;
        for (T item : items) {
            int size = item.getSerializedSize();
            long framed = 1L + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
            if (!current.isEmpty() && bytes + framed > maxBytes) {
                pages.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(item);
            bytes += framed;
        }
        if (!current.isEmpty() || pages.isEmpty()) {
            pages.add(current);
        }
        return pages;
    }
}
