package dev.jcri.linux;

import java.lang.ref.Cleaner;
import java.security.MessageDigest;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.types.size_t;
import org.slf4j.LoggerFactory;

/**
 * SHA-256 by the system's OpenSSL (libcrypto.so.3), as a {@link MessageDigest}: it uses the CPU's
 * SHA extensions. Why not the JDK's: the daemon runs C1-only (a small footprint), and the JDK's
 * SHA-256 intrinsic is a C2 one, so every layer was hashed by C1-compiled Java at 20-80 MB/s,
 * twice (blob digest and diffID): most of a multi-megabyte pull. OpenSSL does 1-2 GB/s.
 *
 * <p>{@link #create()} falls back to the JDK's implementation where libcrypto is missing. Bytes go
 * through a small native buffer (one memcpy per chunk); the native context is freed when the
 * digest is garbage (a {@link Cleaner}), so a download abandoned midway leaks nothing.
 */
public final class NativeSha256 extends MessageDigest {

    /** The libcrypto calls used (OpenSSL 3 EVP API). */
    public interface LibCrypto {
        Pointer EVP_sha256();

        Pointer EVP_MD_CTX_new();

        void EVP_MD_CTX_free(Pointer ctx);

        int EVP_DigestInit_ex(Pointer ctx, Pointer type, Pointer engine);

        int EVP_DigestUpdate(Pointer ctx, Pointer data, @size_t long count);

        int EVP_DigestFinal_ex(Pointer ctx, Pointer md, Pointer size);
    }

    private static final int CHUNK = 64 * 1024;
    private static final Cleaner CLEANER = Cleaner.create();

    private static final class Lib {
        static final LibCrypto CRYPTO = load();
        static final Pointer SHA256 = CRYPTO == null ? null : CRYPTO.EVP_sha256();

        private static LibCrypto load() {
            try {
                return LibraryLoader.create(LibCrypto.class).failImmediately().load("crypto");
            } catch (LinkageError | RuntimeException e) {
                LoggerFactory.getLogger(NativeSha256.class).info("libcrypto not usable ({}): SHA-256 by the JVM", e.toString());
                return null;
            }
        }
    }

    /** Frees the native context; runs once, at GC of the digest or never if it was already freed. */
    private record Free(Pointer ctx) implements Runnable {
        @Override
        public void run() {
            Lib.CRYPTO.EVP_MD_CTX_free(ctx);
        }
    }

    private final Pointer ctx;
    private final Pointer buffer;

    private NativeSha256(Pointer ctx) {
        super("SHA-256");
        this.ctx = ctx;
        this.buffer = Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(Lib.CRYPTO), CHUNK);
        CLEANER.register(this, new Free(ctx));
        engineReset();
    }

    /** A SHA-256 digest: OpenSSL's when libcrypto is there, else the JDK's. */
    public static MessageDigest create() {
        if (Lib.CRYPTO != null && Lib.SHA256 != null) {
            Pointer ctx = Lib.CRYPTO.EVP_MD_CTX_new();
            if (ctx != null) {
                return new NativeSha256(ctx);
            }
        }
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(int ok, String call) {
        if (ok != 1) {
            throw new IllegalStateException("libcrypto " + call + " failed");
        }
    }

    @Override
    protected void engineUpdate(byte input) {
        engineUpdate(new byte[] {input}, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        while (len > 0) {
            int n = Math.min(len, CHUNK);
            buffer.put(0, input, offset, n);
            check(Lib.CRYPTO.EVP_DigestUpdate(ctx, buffer, n), "EVP_DigestUpdate");
            offset += n;
            len -= n;
        }
    }

    @Override
    protected byte[] engineDigest() {
        check(Lib.CRYPTO.EVP_DigestFinal_ex(ctx, buffer, null), "EVP_DigestFinal_ex");
        byte[] out = new byte[32];
        buffer.get(0, out, 0, out.length);
        engineReset();
        return out;
    }

    @Override
    protected void engineReset() {
        check(Lib.CRYPTO.EVP_DigestInit_ex(ctx, Lib.SHA256, null), "EVP_DigestInit_ex");
    }

    @Override
    protected int engineGetDigestLength() {
        return 32;
    }
}
