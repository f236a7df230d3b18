package dev.jcri.sandbox.pod;

/** A valid request asking for something jcri does not implement yet (UNIMPLEMENTED, with what). */
public class PodUnsupportedException extends PodException {
    public PodUnsupportedException(String message) {
        super(message);
    }
}
