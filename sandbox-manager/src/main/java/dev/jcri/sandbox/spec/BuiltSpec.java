package dev.jcri.sandbox.spec;

import java.util.List;

/**
 * A container's runtime spec and what the life cycle needs from it besides config.json.
 *
 * @param spec         the spec (write {@link #toJson()} to the bundle's config.json)
 * @param stopSignal   the signal number StopContainer sends first
 * @param imageVolumes image VOLUME paths (absolute, cleaned) that no mount covers: create them as
 *                     empty directories in the container's writable layer before start
 * @param user         the resolved identity (ContainerStatus.user reports it)
 */
public record BuiltSpec(OciSpec spec, int stopSignal, List<String> imageVolumes, ResolvedUser user) {
    public BuiltSpec {
        imageVolumes = List.copyOf(imageVolumes);
    }

    public byte[] toJson() {
        return spec.toJson();
    }

    public List<String> args() {
        return spec.process().args();
    }

    public List<String> env() {
        return spec.process().env();
    }

    public String cwd() {
        return spec.process().cwd();
    }

    public long uid() {
        return user.uid();
    }

    public long gid() {
        return user.gid();
    }

    public List<Long> additionalGids() {
        return user.additionalGids();
    }

    /** "rshared"/"rslave" when a mount asks for propagation from the host (the host side must be shared/slave). */
    public String rootfsPropagation() {
        return spec.linux().rootfsPropagation();
    }
}
