package dev.jcri.sandbox.pod;

/** No pod sandbox has this ID (or ID prefix) (NOT_FOUND). */
public class PodNotFoundException extends PodException {
    public PodNotFoundException(String id) {
        super("pod sandbox " + id + " not found");
    }
}
