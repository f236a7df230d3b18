package dev.jcri.conformance.stream;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A client of Kubernetes' binary WebSocket channel protocols (channel.k8s.io, v4, v5) on the JDK's
 * WebSocket: each message is a channel byte and data; what arrives is collected per channel.
 */
public final class WebSocketChannels implements AutoCloseable {

    /** Set once the handshake is done; the listener records what arrives from the first message on. */
    private volatile WebSocket socket;
    private final Map<Integer, ByteArrayOutputStream> received = new ConcurrentHashMap<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private WebSocketChannels() {}

    /** Connects to a streaming URL (http:// is turned into ws://) offering {@code protocols}. */
    public static WebSocketChannels connect(String url, List<String> protocols) throws Exception {
        // the owner exists before the handshake: a server that writes at once (a port-forward's
        // port prefixes) must not find a listener with nowhere to put its first messages
        WebSocketChannels channels = new WebSocketChannels();
        Listener listener = new Listener(channels);
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        builder.subprotocols(protocols.getFirst(), protocols.subList(1, protocols.size()).toArray(String[]::new));
        channels.socket = builder.buildAsync(URI.create(url.replaceFirst("^http", "ws")), listener).get(20, TimeUnit.SECONDS);
        return channels;
    }

    public String protocol() {
        return socket.getSubprotocol();
    }

    /** Sends {@code data} on {@code channel}. */
    public void send(int channel, byte[] data) throws Exception {
        ByteBuffer message = ByteBuffer.allocate(data.length + 1).put((byte) channel).put(data).flip();
        socket.sendBinary(message, true).get(10, TimeUnit.SECONDS);
    }

    /** Waits until the server closes; returns what arrived on {@code channel}. */
    public String awaitClose(int channel, Duration timeout) throws Exception {
        closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return text(channel);
    }

    /** What arrived on {@code channel} so far, as bytes. */
    public byte[] bytes(int channel) {
        ByteArrayOutputStream out = received.get(channel);
        return out == null ? new byte[0] : out.toByteArray();
    }

    public String text(int channel) {
        ByteArrayOutputStream out = received.get(channel);
        return out == null ? "" : out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        private final WebSocketChannels owner;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Listener(WebSocketChannels owner) {
            this.owner = owner;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                byte[] message = partial.toByteArray();
                partial.reset();
                if (message.length > 0 && (message[0] & 0xff) != 255) {
                    owner.received.computeIfAbsent(message[0] & 0xff, k -> new ByteArrayOutputStream())
                            .writeBytes(java.util.Arrays.copyOfRange(message, 1, message.length));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            owner.closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            owner.closed.completeExceptionally(error);
        }
    }
}
