package dev.jcri.conformance.stream;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A blocking SPDY/3.1 client as Kubernetes' clients use it, written for the tests (independent of
 * jcri's server code): an HTTP/1.1 upgrade with X-Stream-Protocol-Version, then client-opened
 * streams (SYN_STREAM with headers, answered by SYN_REPLY), DATA frames both ways, FIN to end a
 * direction. Header blocks are zlib streams with SPDY/3's dictionary, one per direction per
 * connection.
 */
public final class SpdyClient implements AutoCloseable {

    private static final int VERSION = 3;
    private static final int SYN_STREAM = 1;
    private static final int SYN_REPLY = 2;
    private static final int RST_STREAM = 3;
    private static final int GOAWAY = 7;
    private static final int FLAG_FIN = 1;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String protocol;
    private final Deflater deflater = new Deflater();
    private final Inflater inflater = new Inflater();
    private final Map<Integer, ClientStream> streams = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean goAway;
    private volatile CountDownLatch paused;
    private int nextId = 1;

    private SpdyClient(Socket socket, DataInputStream in, String protocol) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.protocol = protocol;
        deflater.setDictionary(dictionary());
        Thread.ofVirtual().name("spdy-client-reader").start(this::readFrames);
    }

    /** The HTTP answer when the server refused the upgrade. */
    public static final class UpgradeRefused extends IOException {
        public final int status;
        public final String headers;

        UpgradeRefused(int status, String headers) {
            super("upgrade refused with HTTP " + status);
            this.status = status;
            this.headers = headers;
        }
    }

    /** Connects to a streaming URL and upgrades to SPDY/3.1 offering {@code protocols}. */
    public static SpdyClient connect(String url, List<String> protocols) throws IOException {
        URI uri = URI.create(url);
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(0);
        StringBuilder request = new StringBuilder("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":"
                + uri.getPort() + "\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n");
        for (String p : protocols) {
            request.append("X-Stream-Protocol-Version: ").append(p).append("\r\n");
        }
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String head = readHead(in);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        if (status != 101) {
            socket.close();
            throw new UpgradeRefused(status, head);
        }
        String chosen = "";
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("x-stream-protocol-version:")) {
                chosen = line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return new SpdyClient(socket, in, chosen);
    }

    private static String readHead(DataInputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the HTTP answer: " + head);
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (n > 65536) {
                throw new IOException("HTTP answer too long");
            }
        }
    }

    /** The protocol the server chose. */
    public String protocol() {
        return protocol;
    }

    /** Opens a stream with these headers and waits for the server's reply. */
    public ClientStream open(Map<String, String> headers) throws IOException {
        ClientStream stream;
        synchronized (this) {
            int id = nextId;
            nextId += 2;
            stream = new ClientStream(this, id);
            streams.put(id, stream);
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            writeInt(payload, id);
            writeInt(payload, 0);
            payload.write(0);
            payload.write(0);
            payload.write(compress(headers));
            writeControl(SYN_STREAM, 0, payload.toByteArray());
        }
        if (!stream.awaitReply(Duration.ofSeconds(30))) {
            throw new IOException("no SYN_REPLY for stream " + stream.id());
        }
        return stream;
    }

    /** Opens a stream of type {@code streamType} (the other headers as given). */
    public ClientStream open(String streamType, String... moreHeaders) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("streamtype", streamType);
        for (int i = 0; i + 1 < moreHeaders.length; i += 2) {
            headers.put(moreHeaders[i], moreHeaders[i + 1]);
        }
        return open(headers);
    }

    synchronized void writeData(int id, byte[] data, boolean fin) throws IOException {
        byte[] frame = new byte[8 + data.length];
        frame[0] = (byte) (id >>> 24 & 0x7f);
        frame[1] = (byte) (id >>> 16);
        frame[2] = (byte) (id >>> 8);
        frame[3] = (byte) id;
        frame[4] = (byte) (fin ? FLAG_FIN : 0);
        frame[5] = (byte) (data.length >>> 16);
        frame[6] = (byte) (data.length >>> 8);
        frame[7] = (byte) data.length;
        System.arraycopy(data, 0, frame, 8, data.length);
        out.write(frame);
        out.flush();
    }

    /** Writes raw bytes on the connection (for malformed-frame tests). */
    public synchronized void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void writeControl(int type, int flags, byte[] payload) throws IOException {
        byte[] frame = new byte[8 + payload.length];
        frame[0] = (byte) 0x80;
        frame[1] = VERSION;
        frame[2] = (byte) (type >>> 8);
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (payload.length >>> 16);
        frame[6] = (byte) (payload.length >>> 8);
        frame[7] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 8, payload.length);
        out.write(frame);
        out.flush();
    }

    private byte[] compress(Map<String, String> headers) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        writeInt(raw, headers.size());
        for (var e : headers.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
            writeInt(raw, name.length);
            raw.write(name);
            writeInt(raw, value.length);
            raw.write(value);
        }
        deflater.setInput(raw.toByteArray());
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            compressed.write(buf, 0, n);
            if (n < buf.length) {
                break;
            }
        }
        return compressed.toByteArray();
    }

    private void inflate(byte[] block) throws IOException {
        if (block.length == 0) {
            throw new IOException("empty header block");
        }
        inflater.setInput(block);
        byte[] buf = new byte[4096];
        try {
            while (true) {
                int n = inflater.inflate(buf);
                if (n == 0 && inflater.needsDictionary()) {
                    inflater.setDictionary(dictionary());
                    continue;
                }
                if (n == 0) {
                    break;
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("bad header block: " + e.getMessage());
        }
    }

    /**
     * Stops reading from the connection, as a stalled client would (the server's writes then back
     * up in the socket buffers), until {@link #resumeReading}.
     */
    public void pauseReading() {
        paused = new CountDownLatch(1);
    }

    public void resumeReading() {
        CountDownLatch p = paused;
        paused = null;
        if (p != null) {
            p.countDown();
        }
    }

    private void readFrames() {
        try {
            while (true) {
                CountDownLatch p = paused;
                if (p != null) {
                    p.await();
                }
                int first = in.readInt();
                int flagsAndLength = in.readInt();
                int flags = flagsAndLength >>> 24;
                byte[] payload = new byte[flagsAndLength & 0xffffff];
                in.readFully(payload);
                if (first < 0) { // control frame
                    int type = first & 0xffff;
                    int id = (payload.length >= 4 ? ((payload[0] & 0x7f) << 24 | (payload[1] & 0xff) << 16
                            | (payload[2] & 0xff) << 8 | (payload[3] & 0xff)) : 0);
                    switch (type) {
                        case SYN_REPLY -> {
                            inflate(java.util.Arrays.copyOfRange(payload, 4, payload.length));
                            ClientStream s = streams.get(id);
                            if (s != null) {
                                s.replied();
                            }
                        }
                        case RST_STREAM -> {
                            ClientStream s = streams.get(id);
                            if (s != null) {
                                s.received(null, true);
                            }
                        }
                        case GOAWAY -> goAway = true;
                        default -> { }
                    }
                } else {
                    ClientStream s = streams.get(first);
                    if (s != null) {
                        s.received(payload, (flags & FLAG_FIN) != 0);
                    }
                }
            }
        } catch (IOException e) {
            // connection closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.values().forEach(s -> s.received(null, true));
            closed.countDown();
        }
    }

    /** Whether the server sent GOAWAY. */
    public boolean goAway() {
        return goAway;
    }

    /** Waits until the server closes the connection. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    /** SPDY/3's header compression dictionary (data from the SPDY/3 specification, as Netty carries it). */
    private static byte[] dictionary() {
        try {
            var field = Class.forName("io.netty.handler.codec.spdy.SpdyCodecUtil").getDeclaredField("SPDY_DICT");
            field.setAccessible(true);
            return (byte[]) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no SPDY dictionary", e);
        }
    }

    /** One stream: bytes from the server as an InputStream; writes as DATA frames. */
    @SuppressWarnings("ReferenceEquality") // EOF is a sentinel array: its identity is the point
    public static final class ClientStream {
        private final SpdyClient client;
        private final int id;
        private final CountDownLatch reply = new CountDownLatch(1);
        private final java.util.concurrent.LinkedBlockingQueue<byte[]> chunks = new java.util.concurrent.LinkedBlockingQueue<>();
        private static final byte[] EOF = new byte[0];
        private volatile boolean ended;

        ClientStream(SpdyClient client, int id) {
            this.client = client;
            this.id = id;
        }

        public int id() {
            return id;
        }

        void replied() {
            reply.countDown();
        }

        boolean awaitReply(Duration timeout) throws IOException {
            try {
                return reply.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }

        synchronized void received(byte[] data, boolean fin) {
            if (ended) {
                return;
            }
            if (data != null && data.length > 0) {
                chunks.add(data);
            }
            if (fin) {
                ended = true;
                chunks.add(EOF);
            }
        }

        public void write(byte[] data) throws IOException {
            client.writeData(id, data, false);
        }

        public void write(String text) throws IOException {
            write(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Ends this direction (FIN). */
        public void finish() throws IOException {
            client.writeData(id, new byte[0], true);
        }

        /** Everything until the server ends the stream (or the timeout). */
        public byte[] readAll(Duration timeout) throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (true) {
                    byte[] next = chunks.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        throw new IOException("stream " + id + " did not end within " + timeout + "; got: " + all);
                    }
                    if (next == EOF) {
                        chunks.add(EOF);
                        return all.toByteArray();
                    }
                    all.write(next);
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }

        /** Reads until the received text contains {@code expected} (or the stream ends or times out). */
        public String readUntil(String expected, Duration timeout) throws IOException {
            StringBuilder text = new StringBuilder();
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (!text.toString().contains(expected)) {
                    byte[] next = chunks.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null || next == EOF) {
                        if (next == EOF) {
                            chunks.add(EOF);
                        }
                        throw new IOException("no '" + expected + "' on stream " + id + "; got: " + text);
                    }
                    text.append(new String(next, StandardCharsets.UTF_8));
                }
                return text.toString();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
    }
}
