package dev.jcri.image.registry;

import java.io.IOException;

/**
 * A registry's answer breaks a rule or a limit of the protocol as jcri speaks it (a redirect loop,
 * too many redirects, an unusable Location): the same request would get the same answer, so it is
 * not retried.
 */
final class RegistryProtocolException extends IOException {
    RegistryProtocolException(String message) {
        super(message);
    }
}
