package dev.jcri.sandbox.pod;

/** A RunPodSandbox config jcri cannot honour; the message names the field (INVALID_ARGUMENT). */
public class InvalidPodConfigException extends PodException {
    public InvalidPodConfigException(String message) {
        super(message);
    }
}
