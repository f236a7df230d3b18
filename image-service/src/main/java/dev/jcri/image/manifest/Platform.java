package dev.jcri.image.manifest;

import java.util.Locale;

/**
 * An OCI platform: os, architecture (GOARCH names: amd64, arm64, ...), and variant (v7, v8, ...).
 *
 * @param variant "" when none
 */
public record Platform(String os, String architecture, String variant) {

    public Platform {
        os = os == null ? "" : os.toLowerCase(Locale.ROOT);
        architecture = normalizeArch(architecture == null ? "" : architecture.toLowerCase(Locale.ROOT));
        variant = variant == null ? "" : variant.toLowerCase(Locale.ROOT);
        if (architecture.equals("arm64") && variant.equals("8")) {
            variant = "v8";
        }
    }

    /** The platform of this JVM's machine, as Go names it (x86_64 is amd64, aarch64 is arm64/v8). */
    public static Platform current() {
        String arch = normalizeArch(System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT));
        String variant = arch.equals("arm64") ? "v8" : "";
        return new Platform("linux", arch, variant);
    }

    private static String normalizeArch(String arch) {
        return switch (arch) {
            case "x86_64", "x86-64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "i386", "i686", "x86", "386" -> "386";
            case "armhf", "armel", "arm" -> "arm";
            case "ppc64le" -> "ppc64le";
            default -> arch;
        };
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
