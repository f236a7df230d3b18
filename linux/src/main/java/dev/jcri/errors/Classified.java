package dev.jcri.errors;

/**
 * An error that says what kind it is. {@link JcriException} is the vocabulary's usual carrier; an
 * exception family that must stay apart from {@code IOException} (image-service's checked
 * {@code ImageException}, where an I/O failure and a registry's answer mean different retries)
 * implements this instead, and the gRPC layer maps both the same way, in one place.
 */
public interface Classified {

    JcriException.Kind kind();
}
