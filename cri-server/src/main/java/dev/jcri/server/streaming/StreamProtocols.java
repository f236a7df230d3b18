package dev.jcri.server.streaming;

import java.util.ArrayList;
import java.util.List;

/**
 * The sub-protocols Kubernetes' streaming clients offer, and the choice among them: the first the
 * client lists that the server supports (as Kubernetes' handshake does).
 */
final class StreamProtocols {

    private StreamProtocols() {}

    /** SPDY remote command protocols, newest first. */
    static final List<String> SPDY_COMMAND = List.of("v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io",
            "channel.k8s.io");
    static final List<String> SPDY_PORT_FORWARD = List.of("portforward.k8s.io");
    /** WebSocket remote command protocols (v5 adds the close signal; base64 variants are text frames). */
    static final List<String> WEBSOCKET_COMMAND = List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "channel.k8s.io",
            "v4.base64.channel.k8s.io", "base64.channel.k8s.io");
    static final List<String> WEBSOCKET_PORT_FORWARD = List.of("v4.channel.k8s.io", "portforward.k8s.io",
            "channel.k8s.io", "v4.base64.channel.k8s.io", "base64.channel.k8s.io");

    /** The values of repeated and comma-separated protocol headers, in order. */
    static List<String> offered(List<String> headerValues) {
        List<String> out = new ArrayList<>();
        for (String value : headerValues) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    /** The first offered protocol the server supports, or null when none is. */
    static String choose(List<String> offered, List<String> supported) {
        for (String p : offered) {
            if (supported.contains(p)) {
                return p;
            }
        }
        return null;
    }
}
