package dev.jcri.image.registry;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A TLS client certificate a host is sent when it asks for one (mutual TLS to a private mirror).
 *
 * @param certFile PEM file with the certificate, then its chain
 * @param keyFile  PEM file with the private key, or null when it is in {@code certFile} (containerd's
 *                 form for a single path)
 */
public record ClientCertificate(Path certFile, Path keyFile) {

    public ClientCertificate {
        Objects.requireNonNull(certFile, "certFile");
    }

    /** The file the key is read from. */
    public Path keyPath() {
        return keyFile == null ? certFile : keyFile;
    }
}
