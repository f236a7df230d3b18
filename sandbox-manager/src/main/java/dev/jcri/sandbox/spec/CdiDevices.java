package dev.jcri.sandbox.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jcri.errors.JcriException;
import dev.jcri.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import runtime.v1.Api;

/**
 * CDI devices (Container Device Interface): the names a container asks for, in
 * {@code config.CDI_devices} and in {@code cdi.k8s.io/<key>} annotations (comma-separated names),
 * resolved from the spec files (*.json, *.yaml) of the configured directories into {@link CdiEdits}.
 *
 * <p>The files are read at each CreateContainer that asks for a device, so a driver that writes its
 * spec while jcri runs is seen without a restart. As the CDI spec says, a later directory overrides an
 * earlier one (/var/run/cdi, written by drivers at run time, over /etc/cdi); a device defined twice in
 * one directory is a conflict and cannot be used. A malformed file is logged and skipped: the other
 * vendors' devices stay usable. The edits of a spec file (its top-level containerEdits) are applied
 * once however many of its devices a container uses.
 *
 * <p>Every name is checked and every device found before the container is recorded: an unknown
 * device is INVALID_ARGUMENT naming the field, and nothing is made.
 */
public final class CdiDevices {

    private static final Logger LOG = LoggerFactory.getLogger(CdiDevices.class);

    public static final String ANNOTATION_PREFIX = "cdi.k8s.io/";
    public static final List<Path> DEFAULT_SPEC_DIRS = List.of(Path.of("/etc/cdi"), Path.of("/var/run/cdi"));

    /** vendor.com/class=name (CDI: vendor and class start with a letter, the name with a letter or digit). */
    private static final Pattern QUALIFIED = Pattern.compile(
            "([A-Za-z](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/([A-Za-z](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"
                    + "=([A-Za-z0-9](?:[A-Za-z0-9._:-]*[A-Za-z0-9])?)");
    private static final Pattern KIND = Pattern.compile(
            "[A-Za-z](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/[A-Za-z](?:[A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._:-]*[A-Za-z0-9])?");
    private static final Pattern PERMISSIONS = Pattern.compile("r?w?m?");
    private static final Set<String> HOOK_POINTS = Set.of(
            "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");
    private static final int MAX_NAME = 256;
    /** The largest ID an OCI spec carries (uint32; all ones means "none"). */
    private static final long MAX_ID = 0xFFFF_FFFEL;
    private static final int MAX_DEVICES = 128;
    private static final long MAX_SPEC_BYTES = 4 << 20;

    /** YAML spec files, read into the same records (snakeyaml's event parser only: no object construction). */
    private static final ObjectReader YAML = YAMLMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build().readerFor(CdiSpec.class);

    private final List<Path> specDirs;

    public CdiDevices(List<Path> specDirs) {
        this.specDirs = List.copyOf(specDirs);
    }

    /** A requested device: its qualified name and the request field that named it (for errors). */
    record Requested(String name, String field) {}

    /** A device of a spec file, with the file's spec-wide edits. */
    record Found(CdiSpec spec, CdiSpec.Device device, Path file) {}

    /** The edits of every device {@code config} asks for; {@link CdiEdits#NONE} (no file read) when none. */
    public CdiEdits resolve(Api.ContainerConfig config) throws JcriException {
        List<Requested> requested = requested(config);
        if (requested.isEmpty()) {
            return CdiEdits.NONE;
        }
        Map<String, Found> registry = registry();
        Map<Path, CdiSpec> specsUsed = new LinkedHashMap<>();
        List<Found> used = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Requested r : requested) {
            Found f = registry.get(r.name());
            if (f == null) {
                throw JcriException.invalidArgument(r.field(), "unknown CDI device " + r.name() + " (no spec in "
                        + specDirs + " defines it)");
            }
            if (f.device() == null) {
                throw JcriException.invalidArgument(r.field(), "CDI device " + r.name()
                        + " is defined more than once in " + f.file().getParent());
            }
            if (seen.add(r.name())) {
                used.add(f);
                specsUsed.putIfAbsent(f.file(), f.spec());
            }
        }
        Builder b = new Builder();
        for (Map.Entry<Path, CdiSpec> s : specsUsed.entrySet()) {
            b.add(s.getValue().containerEdits(), "CDI spec " + s.getKey());
        }
        for (Found f : used) {
            b.add(f.device().containerEdits(), "CDI device " + f.spec().kind() + "=" + f.device().name()
                    + " (" + f.file() + ")");
        }
        return b.build();
    }

    /** The names asked for, checked for form, in request order (CDI_devices first, then annotations by key). */
    static List<Requested> requested(Api.ContainerConfig config) throws JcriException {
        List<Requested> out = new ArrayList<>();
        for (int i = 0; i < config.getCDIDevicesCount(); i++) {
            String field = "config.CDI_devices[" + i + "].name";
            out.add(new Requested(checkedName(config.getCDIDevices(i).getName(), field), field));
        }
        for (Map.Entry<String, String> a : new TreeMap<>(config.getAnnotationsMap()).entrySet()) {
            if (!a.getKey().startsWith(ANNOTATION_PREFIX)) {
                continue;
            }
            String field = "config.annotations[\"" + a.getKey() + "\"]";
            for (String name : a.getValue().split(",", -1)) {
                out.add(new Requested(checkedName(name.strip(), field), field));
            }
        }
        if (out.size() > MAX_DEVICES) {
            throw JcriException.invalidArgument("config.CDI_devices", out.size() + " CDI devices requested, at most "
                    + MAX_DEVICES);
        }
        return out;
    }

    private static String checkedName(String name, String field) throws JcriException {
        if (name.length() > MAX_NAME || !QUALIFIED.matcher(name).matches()) {
            throw JcriException.invalidArgument(field, "\"" + shortened(name)
                    + "\" is not a qualified CDI device name (vendor.com/class=name)");
        }
        return name;
    }

    private static String shortened(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /**
     * Every device of every readable spec file, by qualified name; a later directory overrides an earlier
     * one, and a name defined twice in one directory maps to a {@link Found} without device (a conflict).
     */
    Map<String, Found> registry() {
        Map<String, Found> all = new LinkedHashMap<>();
        for (Path dir : specDirs) {
            Map<String, Found> inDir = new LinkedHashMap<>();
            for (Path file : specFiles(dir)) {
                CdiSpec spec = read(file);
                if (spec == null) {
                    continue;
                }
                for (CdiSpec.Device d : spec.devices()) {
                    String name = spec.kind() + "=" + d.name();
                    inDir.put(name, inDir.containsKey(name) ? new Found(spec, null, file) : new Found(spec, d, file));
                }
            }
            all.putAll(inDir);
        }
        return all;
    }

    private static List<Path> specFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> isSpecFile(p.getFileName().toString()) && Files.isRegularFile(p)).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.warn("reading CDI spec directory {}: {}", dir, e.toString());
            return List.of();
        }
    }

    private static boolean isSpecFile(String name) {
        return name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /** The file's spec, or null (logged) when it cannot be used. */
    private static CdiSpec read(Path file) {
        try {
            if (Files.size(file) > MAX_SPEC_BYTES) {
                throw new IOException("larger than " + MAX_SPEC_BYTES + " bytes");
            }
            byte[] bytes = Files.readAllBytes(file);
            CdiSpec spec = file.getFileName().toString().endsWith(".json")
                    ? Json.reader().readValue(bytes, CdiSpec.class)
                    : YAML.readValue(bytes);
            if (spec.cdiVersion() == null || spec.cdiVersion().isEmpty()) {
                throw new IOException("no cdiVersion");
            }
            if (spec.kind() == null || !KIND.matcher(spec.kind()).matches()) {
                throw new IOException("kind " + spec.kind() + " is not vendor.com/class");
            }
            for (CdiSpec.Device d : spec.devices()) {
                if (d.name() == null || !DEVICE.matcher(d.name()).matches()) {
                    throw new IOException("device name " + d.name() + " is not valid");
                }
            }
            return spec;
        } catch (IOException | RuntimeException e) {
            LOG.warn("CDI spec {} skipped: {}", file, e.getMessage());
            return null;
        }
    }

    /** Edits turned into OCI parts, in the order they are added. */
    private static final class Builder {
        private final Map<String, OciSpec.Device> devices = new LinkedHashMap<>();
        private final List<OciSpec.DeviceRule> rules = new ArrayList<>();
        private final List<OciSpec.Mount> mounts = new ArrayList<>();
        private final List<String> env = new ArrayList<>();
        private final Map<String, List<OciSpec.Hook>> hooks = new LinkedHashMap<>();
        private final Set<Long> additionalGids = new LinkedHashSet<>();

        void add(CdiSpec.Edits e, String source) throws JcriException {
            if (present(e.intelRdt())) {
                throw broken(source, "asks for intelRdt, which jcri does not apply (the device would not work as meant)");
            }
            if (present(e.netDevices())) {
                throw broken(source, "asks for netDevices, which jcri does not apply (the device would not work as meant)");
            }
            for (Long gid : e.additionalGids()) {
                if (gid == null || gid < 0 || gid > MAX_ID) {
                    throw broken(source, "additional GID " + gid + " is not between 0 and " + MAX_ID);
                }
                if (gid != 0) { // the root group is never handed out by a device file
                    additionalGids.add(gid);
                }
            }
            for (String v : e.env()) {
                if (v == null || v.indexOf('=') <= 0) {
                    throw broken(source, "env entry " + v + " is not NAME=value");
                }
                env.add(v);
            }
            for (CdiSpec.DeviceNode n : e.deviceNodes()) {
                OciSpec.Device d = device(n, source);
                devices.put(d.path(), d);
                String permissions = n.permissions() == null || n.permissions().isEmpty() ? "rwm" : n.permissions();
                if (!PERMISSIONS.matcher(permissions).matches()) {
                    throw broken(source, "permissions " + permissions + " of " + n.path() + " are not a subset of rwm");
                }
                rules.add(new OciSpec.DeviceRule(true, d.type(), d.major(), d.minor(), permissions));
            }
            for (CdiSpec.Mount m : e.mounts()) {
                if (!absolute(m.hostPath()) || !absolute(m.containerPath())) {
                    throw broken(source, "mount " + m.hostPath() + " → " + m.containerPath() + " needs absolute paths");
                }
                List<String> options = new ArrayList<>(m.options() == null ? List.of() : m.options());
                String type = m.type() == null || m.type().isEmpty() ? "bind" : m.type();
                if (type.equals("bind") && !options.contains("bind") && !options.contains("rbind")) {
                    options.add("bind");
                }
                mounts.add(new OciSpec.Mount(m.containerPath(), type, m.hostPath(), List.copyOf(options)));
            }
            for (CdiSpec.Hook h : e.hooks()) {
                if (h.hookName() == null || !HOOK_POINTS.contains(h.hookName())) {
                    throw broken(source, "hook point " + h.hookName() + " is not one of " + HOOK_POINTS);
                }
                if (!absolute(h.path())) {
                    throw broken(source, "hook path " + h.path() + " is not absolute");
                }
                hooks.computeIfAbsent(h.hookName(), k -> new ArrayList<>()).add(new OciSpec.Hook(h.path(),
                        h.args() == null ? List.of() : h.args(), h.env() == null ? List.of() : h.env(), h.timeout()));
            }
        }

        /** The node with its type and numbers: from the spec file, else from the host's node. */
        private static OciSpec.Device device(CdiSpec.DeviceNode n, String source) throws JcriException {
            if (!absolute(n.path())) {
                throw broken(source, "device node path " + n.path() + " is not absolute");
            }
            String type = n.type();
            Long major = n.major();
            Long minor = n.minor();
            Integer mode = n.fileMode() == null ? null : n.fileMode() & 0777;
            Long uid = n.uid();
            Long gid = n.gid();
            if (major == null || type == null || type.isEmpty()) {
                String host = n.hostPath() == null || n.hostPath().isEmpty() ? n.path() : n.hostPath();
                OciSpec.Device found;
                try {
                    found = DeviceSpecs.device(Path.of(host).toRealPath(), n.path()).orElseThrow(() ->
                            broken(source, host + " is not a device node"));
                } catch (IOException e) {
                    throw broken(source, "device node " + host + ": " + e.getMessage());
                }
                type = type == null || type.isEmpty() ? found.type() : type;
                major = major == null ? found.major() : major;
                minor = minor == null ? found.minor() : minor;
                mode = mode == null ? found.fileMode() : mode;
            }
            if (!type.equals("c") && !type.equals("b") && !type.equals("u")) {
                throw broken(source, "device node " + n.path() + " has type " + type + " (c, b or u)");
            }
            return new OciSpec.Device(type, n.path(), major, minor == null ? 0 : minor, mode, uid, gid);
        }

        private static boolean present(JsonNode n) {
            return n != null && !n.isNull() && !(n.isContainerNode() && n.isEmpty());
        }

        private static boolean absolute(String p) {
            return p != null && p.startsWith("/");
        }

        private static JcriException broken(String source, String why) {
            return JcriException.invalidArgument("config.CDI_devices", source + ": " + why);
        }

        CdiEdits build() {
            Map<String, List<OciSpec.Hook>> h = new LinkedHashMap<>();
            hooks.forEach((k, v) -> h.put(k, List.copyOf(v)));
            return new CdiEdits(List.copyOf(devices.values()), rules, mounts, env, h, List.copyOf(additionalGids));
        }
    }
}
