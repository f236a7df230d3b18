package dev.jcri.image.ref;

import dev.jcri.image.error.InvalidReferenceException;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference normalised as Docker and containerd do: {@code busybox} is
 * {@code docker.io/library/busybox:latest}; {@code host:port/repo:tag}; {@code repo@sha256:...};
 * with both a tag and a digest, the digest wins (the tag is kept only for display).
 *
 * @param registry the registry host (and port), {@code docker.io} for Docker Hub
 * @param repository the path inside the registry ({@code library/busybox})
 * @param tag the tag, or null when the reference pins a digest without one
 * @param digest the manifest digest, or null
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {

    public static final String DOCKER_HUB = "docker.io";
    public static final String DEFAULT_TAG = "latest";
    private static final int MAX_NAME_LENGTH = 255;

    private static final Pattern DOMAIN_COMPONENT = Pattern.compile("[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern IPV6 = Pattern.compile("\\[[a-fA-F0-9:.%]+\\]");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");

    /** Parses and normalises a reference; the message of a failure names the reference and the problem. */
    public static ImageReference parse(String text) throws InvalidReferenceException {
        if (text == null || text.isBlank()) {
            throw new InvalidReferenceException("invalid image reference \"\": empty");
        }
        if (!text.equals(text.strip())) {
            throw invalid(text, "leading or trailing whitespace");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String d = rest.substring(at + 1);
            try {
                digest = Digest.parse(d);
            } catch (InvalidReferenceException e) {
                throw invalid(text, "bad digest \"" + d + "\" (expected sha256:<64 lowercase hex digits>)");
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "bad tag \"" + tag + "\" (letters, digits, _ . -; at most 128; not starting with . or -)");
            }
        }
        if (rest.isEmpty()) {
            throw invalid(text, "no repository name");
        }
        String registry;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.toLowerCase(Locale.ROOT).equals(first))) {
            registry = first;
            path = rest.substring(slash + 1);
            validateDomain(text, registry);
        } else {
            registry = DOCKER_HUB;
            path = rest;
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                String why = !component.toLowerCase(Locale.ROOT).equals(component)
                        ? "repository name must be lowercase"
                        : "bad path component \"" + component + "\"";
                throw invalid(text, why);
            }
        }
        if (registry.length() + 1 + path.length() > MAX_NAME_LENGTH) {
            throw invalid(text, "name longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (HEX64.matcher(path.substring(path.lastIndexOf('/') + 1)).matches() && tag == null && digest == null
                && registry.equals(DOCKER_HUB) && path.startsWith("library/")) {
            throw invalid(text, "a 64-hex-digit name is an image ID, not a repository");
        }
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
        return new ImageReference(registry, path, tag, digest);
    }

    private static void validateDomain(String text, String domain) throws InvalidReferenceException {
        String host = domain;
        String port = null;
        if (domain.startsWith("[")) {
            int close = domain.indexOf(']');
            if (close < 0 || !IPV6.matcher(domain.substring(0, close + 1)).matches()) {
                throw invalid(text, "bad IPv6 registry host \"" + domain + "\"");
            }
            host = domain.substring(0, close + 1);
            String after = domain.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid(text, "bad registry host \"" + domain + "\"");
                }
                port = after.substring(1);
            }
        } else {
            int c = domain.indexOf(':');
            if (c >= 0) {
                host = domain.substring(0, c);
                port = domain.substring(c + 1);
            }
            for (String component : host.split("\\.", -1)) {
                if (!DOMAIN_COMPONENT.matcher(component).matches()) {
                    throw invalid(text, "bad registry host \"" + domain + "\"");
                }
            }
        }
        if (port != null && (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535)) {
            throw invalid(text, "bad registry port in \"" + domain + "\"");
        }
    }

    private static InvalidReferenceException invalid(String text, String why) {
        return new InvalidReferenceException("invalid image reference \"" + text + "\": " + why);
    }

    /** {@code registry/repository}, e.g. {@code docker.io/library/busybox}. */
    public String name() {
        return registry + "/" + repository;
    }

    /** The tag or digest to ask the registry for: the digest wins. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    /** {@code name:tag}, or null when there is no tag or the digest pins the content. */
    public String repoTag() {
        return tag != null && digest == null ? name() + ":" + tag : null;
    }

    /** This name with another digest: {@code name@digest}. */
    public String repoDigest(Digest d) {
        return name() + "@" + d;
    }

    public ImageReference withDigest(Digest d) {
        return new ImageReference(registry, repository, tag, d);
    }

    /** Whether the registry is on a loopback address (localhost, 127.0.0.0/8, ::1): plain HTTP allowed. */
    public boolean isLoopbackRegistry() {
        return isLoopbackHost(registry);
    }

    /** Whether {@code host[:port]} names a loopback address, without a DNS lookup. */
    public static boolean isLoopbackHost(String hostAndPort) {
        String host = hostAndPort;
        if (host.startsWith("[")) {
            host = host.substring(1, Math.max(1, host.indexOf(']')));
        } else if (host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        if (host.equals("localhost")) {
            return true;
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress(); // literal: no lookup
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name());
        if (tag != null) {
            b.append(':').append(tag);
        }
        if (digest != null) {
            b.append('@').append(digest);
        }
        return b.toString();
    }
}
