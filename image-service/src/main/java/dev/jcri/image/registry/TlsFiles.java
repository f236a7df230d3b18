package dev.jcri.image.registry;

import dev.jcri.linux.FileTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * The PEM files of a host's TLS settings: CA bundles, and client certificates with their keys
 * turned into the {@link KeyManager}s the JDK's TLS presents them with (the JDK reads no PEM keys
 * itself). Keys may be PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA ({@code RSA PRIVATE KEY}) or SEC1
 * EC ({@code EC PRIVATE KEY}), the forms openssl and Go's tooling write; encrypted keys are refused
 * (nothing could ask for their pass phrase), as is a key that does not belong to its certificate
 * (the handshake would fail later with a far less useful message).
 *
 * <p>Every file is read within {@link #MAX_FILE_BYTES} and only when it is a regular file (a FIFO
 * named by mistake would block a reload). A key file that other users may read is refused: the key
 * is the node's identity towards the registry, a world-readable copy lets every local user (and a
 * container that escaped as a non-root user) present it; group read is allowed for the
 * {@code ssl-cert} group convention of Debian. Messages name the file; callers add where it was configured.
 */
public final class TlsFiles {

    /** A certificate, a chain or a key is a few KiB; a CA bundle is some hundred KiB. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** rsaEncryption's AlgorithmIdentifier (1.2.840.113549.1.1.1 with NULL parameters), DER. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
            0x01, 0x01, 0x01, 0x05, 0x00};

    private TlsFiles() {}

    /** The whole content of a regular file of at most {@link #MAX_FILE_BYTES}. */
    static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + (Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? " is not a regular file" : " does not exist"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] data = in.readNBytes(MAX_FILE_BYTES + 1);
            if (data.length > MAX_FILE_BYTES) {
                throw new FileTooLargeException(file.toString(), MAX_FILE_BYTES);
            }
            return data;
        }
    }

    /** The certificates of a PEM file (a CA bundle); none is an error. */
    static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                out.add(certificate(file, m.group(2)));
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /**
     * Key managers that present {@code clients} (the JDK picks the one whose key type and issuer
     * fit what the server asks for, as Go's TLS does among containerd's); every file is checked here.
     */
    public static KeyManager[] keyManagers(List<ClientCertificate> clients) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] password = new char[0];
            int i = 0;
            for (ClientCertificate c : clients) {
                List<X509Certificate> chain = certificates(c.certFile());
                PrivateKey key = privateKey(c.keyPath(), chain.getFirst(), c.certFile());
                ks.setKeyEntry("client-" + i++, key, password, chain.toArray(new Certificate[0]));
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the client certificates " + clients + ": " + e.getMessage(), e);
        }
    }

    /** Checks every file of {@code clients} as {@link #keyManagers} would use them. */
    public static void check(List<ClientCertificate> clients) throws IOException {
        keyManagers(clients);
    }

    private static X509Certificate certificate(Path file, String base64) throws IOException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(decode(file, base64)));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": a CERTIFICATE block is not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] decode(Path file, String base64) throws IOException {
        if (base64.contains(":")) {
            throw new IOException(file + ": PEM headers (Proc-Type: an encrypted key?) are not supported; write the key unencrypted"
                    + " (openssl pkey -in KEY -out KEY.plain)");
        }
        try {
            return Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": a PEM block is not valid base64", e);
        }
    }

    private static PrivateKey privateKey(Path file, X509Certificate cert, Path certFile) throws IOException {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        String label = null;
        String body = null;
        while (m.find()) {
            if (m.group(1).endsWith("PRIVATE KEY")) {
                if (label != null) {
                    throw new IOException(file + " holds more than one private key");
                }
                label = m.group(1);
                body = m.group(2);
            }
        }
        if (label == null) {
            throw new IOException(file + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)"
                    + (file.equals(certFile) ? "; a single client path names one file with the certificate and its key,"
                            + " give [cert, key] pairs for separate files" : ""));
        }
        if (Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ)) {
            throw new IOException(file + " holds a private key and is readable by every user; chmod o-r " + file);
        }
        byte[] der = decode(file, body);
        String algorithm = cert.getPublicKey().getAlgorithm();
        byte[] pkcs8 = switch (label) {
            case "PRIVATE KEY" -> der;
            case "RSA PRIVATE KEY" -> pkcs8(RSA_ALGORITHM, der, algorithm.equals("RSA"), file, label, certFile);
            // the curve is the certificate's: SEC1's own [0] parameters, when present, name the same one
            case "EC PRIVATE KEY" -> pkcs8(Der.firstElement(cert.getPublicKey().getEncoded()), der, algorithm.equals("EC"), file,
                    label, certFile);
            case "ENCRYPTED PRIVATE KEY" -> throw new IOException(file + ": encrypted keys are not supported; write the key"
                    + " unencrypted (openssl pkey -in KEY -out KEY.plain) and restrict its mode");
            default -> throw new IOException(file + ": unsupported key type " + label
                    + " (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
        };
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": the " + label + " is not a valid " + algorithm + " key for the certificate in "
                    + certFile + ": " + e.getMessage(), e);
        }
        if (!belongsTo(key, cert)) {
            throw new IOException("the key in " + file + " does not belong to the certificate in " + certFile);
        }
        return key;
    }

    private static byte[] pkcs8(byte[] algorithmIdentifier, byte[] traditional, boolean fits, Path file, String label,
            Path certFile) throws IOException {
        if (!fits) {
            throw new IOException(file + ": an " + label + " cannot belong to the certificate in " + certFile + " (a "
                    + label.substring(0, label.indexOf(' ')) + " key for another key type)");
        }
        // PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(algorithmIdentifier);
        body.writeBytes(Der.tlv(0x04, traditional));
        return Der.tlv(0x30, body.toByteArray());
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean belongsTo(PrivateKey key, X509Certificate cert) throws IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448: the algorithm is its own signature
        };
        try {
            byte[] probe = "jcri client key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot check the key of " + cert.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
    }

    /** The few DER operations key conversion needs. */
    private static final class Der {
        private Der() {}

        static byte[] tlv(int tag, byte[] value) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
            out.write(tag);
            int n = value.length;
            if (n < 0x80) {
                out.write(n);
            } else {
                int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
                out.write(0x80 | bytes);
                for (int i = bytes - 1; i >= 0; i--) {
                    out.write(n >>> (8 * i));
                }
            }
            out.writeBytes(value);
            return out.toByteArray();
        }

        /** The first element (tag, length and value) inside the SEQUENCE {@code der}: a SubjectPublicKeyInfo's AlgorithmIdentifier. */
        static byte[] firstElement(byte[] der) throws IOException {
            int inner = headerLength(der, 0);
            int length = headerLength(der, inner) + valueLength(der, inner);
            if (inner + length > der.length) {
                throw new IOException("truncated DER");
            }
            return java.util.Arrays.copyOfRange(der, inner, inner + length);
        }

        private static int headerLength(byte[] der, int at) throws IOException {
            if (at + 1 >= der.length) {
                throw new IOException("truncated DER");
            }
            int first = der[at + 1] & 0xff;
            return first < 0x80 ? 2 : 2 + (first & 0x7f);
        }

        private static int valueLength(byte[] der, int at) throws IOException {
            int first = der[at + 1] & 0xff;
            if (first < 0x80) {
                return first;
            }
            int bytes = first & 0x7f;
            if (bytes > 3 || at + 2 + bytes > der.length) {
                throw new IOException("DER length out of range");
            }
            int n = 0;
            for (int i = 0; i < bytes; i++) {
                n = (n << 8) | (der[at + 2 + i] & 0xff);
            }
            return n;
        }
    }
}
