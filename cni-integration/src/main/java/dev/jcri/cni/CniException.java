package dev.jcri.cni;

import java.io.IOException;

/**
 * A CNI operation failed. When a plugin reported the failure with the CNI error object
 * ({@code {"code": N, "msg": "...", "details": "..."}}) its fields are kept here; the message is
 * built so that the CRI error kubelet shows names the plugin, the command and the plugin's words.
 */
public class CniException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Code used when the failure did not come from a plugin's error object (timeout, crash, no config). */
    public static final int CODE_NONE = 0;
    /** CNI spec well-known codes (section "Error"). */
    public static final int CODE_INCOMPATIBLE_VERSION = 1;
    public static final int CODE_INVALID_NETWORK_CONFIG = 7;
    public static final int CODE_TRY_AGAIN_LATER = 11;
    public static final int CODE_PLUGIN_NOT_AVAILABLE = 50;

    private final String plugin;
    private final String command;
    private final int code;
    private final String msg;
    private final String details;

    public CniException(String plugin, String command, int code, String msg, String details) {
        super(describe(plugin, command, code, msg, details));
        this.plugin = plugin;
        this.command = command;
        this.code = code;
        this.msg = msg;
        this.details = details;
    }

    /** An error that is not a plugin's (no configuration, bad input): only a message. */
    public CniException(String message) {
        this(null, null, CODE_NONE, message, null);
    }

    private static String describe(String plugin, String command, int code, String msg, String details) {
        StringBuilder b = new StringBuilder();
        if (plugin != null) {
            b.append("CNI plugin ").append(plugin);
            if (command != null) {
                b.append(' ').append(command);
            }
            b.append(" failed");
            if (code != CODE_NONE) {
                b.append(" (code ").append(code).append(')');
            }
            b.append(": ");
        }
        b.append(msg == null || msg.isEmpty() ? "no message" : msg);
        if (details != null && !details.isEmpty()) {
            b.append("; ").append(details);
        }
        return b.toString();
    }

    /** The plugin type (e.g. "bridge"), or null when no plugin was involved. */
    public String plugin() {
        return plugin;
    }

    /** ADD, DEL, CHECK, VERSION or STATUS; null when no plugin was involved. */
    public String command() {
        return command;
    }

    /** The CNI error code from the plugin, or {@link #CODE_NONE}. */
    public int code() {
        return code;
    }

    /** The plugin's "msg" (or our own short description). */
    public String msg() {
        return msg;
    }

    /** The plugin's "details", may be null. */
    public String details() {
        return details;
    }
}
