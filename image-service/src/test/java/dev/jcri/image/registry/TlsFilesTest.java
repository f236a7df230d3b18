package dev.jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client certificates and keys from the PEM forms openssl writes, and the files that are refused. */
class TlsFilesTest {

    @TempDir
    Path dir;

    private static void openssl(String... args) throws Exception {
        Process p = new ProcessBuilder(java.util.stream.Stream.concat(java.util.stream.Stream.of("openssl"),
                java.util.Arrays.stream(args)).toList()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl " + String.join(" ", args) + ": " + out);
    }

    /** A self-signed certificate NAME.crt and its PKCS#8 key NAME.key (mode 0600) of {@code newkey} ("rsa:2048", "ec"). */
    private Path[] pair(String name, String newkey) throws Exception {
        Path crt = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        openssl("req", "-x509", "-newkey", newkey, "-pkeyopt", newkey.equals("ec") ? "ec_paramgen_curve:P-256" : "rsa_keygen_bits:2048",
                "-nodes", "-keyout", key.toString(), "-out", crt.toString(), "-days", "1", "-subj", "/CN=" + name);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return new Path[] {crt, key};
    }

    private static String alias(KeyManager[] managers, String keyType) {
        X509KeyManager km = (X509KeyManager) managers[0];
        return km.chooseClientAlias(new String[] {keyType}, null, null);
    }

    @Test
    void readsPkcs8Pkcs1AndSec1KeysAndTheSingleFileForm() throws Exception {
        Path[] rsa = pair("rsa", "rsa");
        Path[] ec = pair("ec", "ec");
        Path rsa1 = dir.resolve("rsa1.key");
        openssl("rsa", "-in", rsa[1].toString(), "-traditional", "-out", rsa1.toString());
        Path sec1 = dir.resolve("ec-sec1.key");
        openssl("ec", "-in", ec[1].toString(), "-out", sec1.toString());
        assertTrue(Files.readString(rsa1).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertTrue(Files.readString(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, Files.readString(ec[0]) + Files.readString(sec1));
        Files.setPosixFilePermissions(combined, PosixFilePermissions.fromString("rw-r-----"));

        for (ClientCertificate c : List.of(new ClientCertificate(rsa[0], rsa[1]), new ClientCertificate(rsa[0], rsa1))) {
            assertEquals("client-0", alias(TlsFiles.keyManagers(List.of(c)), "RSA"), c.toString());
        }
        for (ClientCertificate c : List.of(new ClientCertificate(ec[0], ec[1]), new ClientCertificate(ec[0], sec1),
                new ClientCertificate(combined, null))) {
            assertEquals("client-0", alias(TlsFiles.keyManagers(List.of(c)), "EC"), c.toString());
        }
        // several: the one whose key type the server asks for is presented
        KeyManager[] both = TlsFiles.keyManagers(List.of(new ClientCertificate(rsa[0], rsa1), new ClientCertificate(combined, null)));
        assertEquals("client-0", alias(both, "RSA"));
        assertEquals("client-1", alias(both, "EC"));
    }

    private void refused(ClientCertificate c, String... parts) {
        IOException e = assertThrows(IOException.class, () -> TlsFiles.check(List.of(c)), c.toString());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    @Test
    void refusesWhatCannotBeAClientCertificateNamingTheFile() throws Exception {
        Path[] rsa = pair("rsa", "rsa");
        Path[] ec = pair("ec", "ec");
        refused(new ClientCertificate(dir.resolve("missing.crt"), rsa[1]), dir.resolve("missing.crt") + " does not exist");
        refused(new ClientCertificate(rsa[0], null), rsa[0] + " holds no PEM private key", "[cert, key] pairs");
        refused(new ClientCertificate(rsa[1], rsa[1]), rsa[1] + " holds no PEM certificate");
        refused(new ClientCertificate(rsa[0], ec[1]), ec[1] + ": the PRIVATE KEY is not a valid RSA key for the certificate in " + rsa[0]);
        Path otherRsa = pair("other", "rsa")[1];
        refused(new ClientCertificate(rsa[0], otherRsa), "the key in " + otherRsa + " does not belong to the certificate in " + rsa[0]);
        Path sec1 = dir.resolve("ec-sec1.key");
        openssl("ec", "-in", ec[1].toString(), "-out", sec1.toString());
        refused(new ClientCertificate(rsa[0], sec1), "an EC PRIVATE KEY cannot belong to the certificate in " + rsa[0]);

        Path open = dir.resolve("open.key");
        Files.copy(rsa[1], open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        refused(new ClientCertificate(rsa[0], open), open + " holds a private key and is readable by every user", "chmod o-r");

        Path encrypted = dir.resolve("encrypted.key");
        openssl("pkcs8", "-topk8", "-in", rsa[1].toString(), "-out", encrypted.toString(), "-passout", "pass:pw");
        Files.setPosixFilePermissions(encrypted, PosixFilePermissions.fromString("rw-------"));
        refused(new ClientCertificate(rsa[0], encrypted), encrypted + ": encrypted keys are not supported");

        Path garbage = dir.resolve("garbage.crt");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        refused(new ClientCertificate(garbage, rsa[1]), garbage + ": a PEM block is not valid base64");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        refused(new ClientCertificate(garbage, rsa[1]), garbage + ": a CERTIFICATE block is not an X.509 certificate");

        Path big = dir.resolve("big.crt");
        Files.write(big, new byte[TlsFiles.MAX_FILE_BYTES + 1]);
        refused(new ClientCertificate(big, rsa[1]), big + " is larger than the limit of " + TlsFiles.MAX_FILE_BYTES);

        Path fifo = dir.resolve("fifo.crt");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        refused(new ClientCertificate(fifo, rsa[1]), fifo + " is not a regular file");
        refused(new ClientCertificate(dir, rsa[1]), dir + " is not a regular file");
    }
}
