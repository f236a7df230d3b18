package dev.jcri.conformance.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA and two certificates it issued, made by {@code openssl} in a directory: one for a
 * server on 127.0.0.1 (RSA), one for a client (EC, its key in SEC1 form, {@code EC PRIVATE KEY},
 * mode 0600), as an operator's PKI would hand out for a mutual-TLS mirror.
 *
 * @param ca the CA certificate (PEM): trusted by the client for the server, by the server for clients
 * @param clientCert the client certificate (PEM)
 * @param clientKey its key (PEM)
 * @param serverKeyStore the server's key and chain (PKCS#12, password {@link #PASSWORD})
 */
public record TestCertificates(Path ca, Path clientCert, Path clientKey, Path serverKeyStore) {

    private static final String PASSWORD = "changeit";

    /** Creates the CA and the certificates in {@code dir} (which must exist). */
    public static TestCertificates create(Path dir) throws IOException {
        Path caKey = dir.resolve("ca.key");
        Path ca = dir.resolve("ca.crt");
        TokenServer.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out", ca.toString(),
                "-days", "2", "-subj", "/CN=jcri test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Path serverKey = dir.resolve("server.key");
        TokenServer.run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", serverKey.toString());
        Path serverCert = issue(dir, "server", serverKey, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n", ca, caKey);
        Path clientKey = dir.resolve("client.key");
        TokenServer.run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", clientKey.toString());
        Files.setPosixFilePermissions(clientKey, PosixFilePermissions.fromString("rw-------"));
        Path clientCert = issue(dir, "client", clientKey, "extendedKeyUsage=clientAuth\n", ca, caKey);
        Path p12 = dir.resolve("server.p12");
        TokenServer.run("openssl", "pkcs12", "-export", "-in", serverCert.toString(), "-inkey", serverKey.toString(),
                "-certfile", ca.toString(), "-out", p12.toString(), "-passout", "pass:" + PASSWORD);
        return new TestCertificates(ca, clientCert, clientKey, p12);
    }

    private static Path issue(Path dir, String name, Path key, String extensions, Path ca, Path caKey) throws IOException {
        Path csr = dir.resolve(name + ".csr");
        Path ext = Files.writeString(dir.resolve(name + ".ext"), extensions);
        Path cert = dir.resolve(name + ".crt");
        TokenServer.run("openssl", "req", "-new", "-key", key.toString(), "-out", csr.toString(), "-subj", "/CN=jcri test " + name);
        TokenServer.run("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        return cert;
    }

    /** The server's TLS: its certificate, and client certificates checked against the CA. */
    public SSLContext serverContext() throws IOException {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(serverKeyStore)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD.toCharArray());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            try (InputStream in = Files.newInputStream(ca)) {
                trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the test server's certificates: " + e.getMessage(), e);
        }
    }
}
