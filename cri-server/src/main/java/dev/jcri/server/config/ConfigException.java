package dev.jcri.server.config;

/** A configuration file that cannot be used; the message names the file, key and line. */
public class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
