package dev.jcri.cni;

/**
 * The CRI NetworkReady condition. {@code reason} is {@link #REASON_NOT_READY} when not ready,
 * as containerd and CRI-O report it (kubelet shows reason and message on the node).
 */
public record NetworkStatus(boolean ready, String reason, String message) {
    public static final String REASON_NOT_READY = "NetworkPluginNotReady";

    public static NetworkStatus ok() {
        return new NetworkStatus(true, "", "");
    }

    public static NetworkStatus notReady(String message) {
        return new NetworkStatus(false, REASON_NOT_READY, message);
    }
}
