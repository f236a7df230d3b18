package dev.jcri.sandbox.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.errors.JcriException;
import dev.jcri.json.Json;
import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import dev.jcri.snapshot.tar.TarEntry;
import dev.jcri.snapshot.tar.TarReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A checkpoint archive handed to CreateContainer as its image (CRI-O's and containerd's way to
 * restore: the image is the path of the tar CheckpointContainer wrote), read once, streaming,
 * before anything is made, and refused as INVALID_ARGUMENT naming {@code config.image.image}
 * when it is not one jcri will restore from.
 *
 * <p>What is accepted, and why so little: every member a relative name inside the archive (no
 * absolute names, no {@code ..}); only regular files and directories (a symlink or hard link in
 * the archive could make the later unpacking write elsewhere); at most {@link #MAX_ENTRIES}
 * entries, tar metadata bounded by {@link TarReader}; {@code config.dump}, {@code spec.dump} and
 * {@code deleted.files} at most {@link #MAX_DOCUMENT_BYTES} each, held in memory; CRIU's images
 * under {@code checkpoint/}. Other members CRI-O writes (network.status, stats-dump, ...) are
 * skipped, never unpacked.
 *
 * <p>What the archive may decide: the image the container ran (which must be pulled here: it is
 * looked up in the image store, never read from a path), its command and working directory when
 * the request gives none, its changed files ({@code rootfs-diff.tar}, applied inside the new
 * writable snapshot) and deleted ones. Never what reaches the host: mounts, namespaces, devices,
 * cgroups, users and capabilities come from the request and its pod, as for any container, so a
 * spec.dump naming another pod's namespaces or host paths gives the container nothing of them.
 *
 * @param imageRef the image the checkpointed container ran, as config.dump names it (its ID first)
 * @param args     the checkpointed process's argv from spec.dump (empty when it had none)
 * @param cwd      its working directory from spec.dump ("" when none)
 * @param deleted  the paths the container had deleted, relative to its root
 */
record CheckpointSource(Path archive, String imageRef, List<String> args, String cwd, List<String> deleted) {

    static final String FIELD = "config.image.image";
    /** More entries than any CRIU dump has (tens of image files) with ample room; the rootfs diff is one member. */
    static final int MAX_ENTRIES = 100_000;
    /** config.dump, spec.dump and deleted.files are held in memory: at most this each. */
    static final int MAX_DOCUMENT_BYTES = 4 << 20;
    private static final int MAX_ARGS = 4096;

    CheckpointSource {
        args = List.copyOf(args);
        deleted = List.copyOf(deleted);
    }

    /** Whether CreateContainer's image names a checkpoint archive rather than an image: an absolute path (no reference starts with "/"). */
    static boolean named(String image) {
        return image.startsWith("/");
    }

    /** Reads and checks the archive at {@code image}; INVALID_ARGUMENT naming {@link #FIELD} for anything refused. */
    static CheckpointSource scan(String image) throws IOException {
        if (image.indexOf('\0') >= 0) {
            throw invalid("contains a NUL byte");
        }
        Path archive = Path.of(image).normalize();
        FileStatus st;
        try {
            st = PosixFiles.lstat(archive);
        } catch (IOException e) {
            throw invalid("checkpoint archive " + archive + " cannot be read: " + e.getMessage());
        }
        if (!st.isRegularFile()) {
            throw invalid("checkpoint archive " + archive + " is not a regular file (symlinks are not followed)");
        }
        byte[] config = null;
        byte[] spec = null;
        byte[] deleted = null;
        boolean images = false;
        try (InputStream in = Files.newInputStream(archive)) {
            TarReader tar = new TarReader(in);
            for (TarEntry e = tar.next(); e != null; e = tar.next()) {
                if (tar.entryCount() > MAX_ENTRIES) {
                    throw invalid("checkpoint archive " + archive + " has more than " + MAX_ENTRIES + " entries");
                }
                String name = memberName(archive, e);
                switch (name) {
                    case CheckpointArchive.CONFIG_DUMP -> config = document(archive, tar, e);
                    case CheckpointArchive.SPEC_DUMP -> spec = document(archive, tar, e);
                    case CheckpointArchive.DELETED_FILES -> deleted = document(archive, tar, e);
                    default -> images |= name.startsWith(CheckpointArchive.IMAGE_DIR + "/") && e.type() == TarEntry.Type.FILE;
                }
            }
        } catch (JcriException e) {
            throw e;
        } catch (IOException e) {
            throw invalid("checkpoint archive " + archive + " is not a readable tar: " + e.getMessage());
        }
        if (config == null || spec == null || !images) {
            throw invalid("checkpoint archive " + archive + " lacks " + (config == null ? CheckpointArchive.CONFIG_DUMP
                    : spec == null ? CheckpointArchive.SPEC_DUMP : "CRIU's images (" + CheckpointArchive.IMAGE_DIR + "/)"));
        }
        JsonNode process = json(archive, CheckpointArchive.SPEC_DUMP, spec).path("process");
        return new CheckpointSource(archive, imageOf(archive, json(archive, CheckpointArchive.CONFIG_DUMP, config)),
                args(archive, process.path("args")), cwd(archive, process.path("cwd")),
                deleted == null ? List.of() : deletedPaths(archive, json(archive, CheckpointArchive.DELETED_FILES, deleted)));
    }

    /**
     * The request's config as the restored container is made from: the checkpointed image in
     * place of the archive's path, and the checkpointed command and working directory where the
     * request names none. Everything else is the request's.
     */
    runtime.v1.Api.ContainerConfig applyTo(runtime.v1.Api.ContainerConfig request) {
        runtime.v1.Api.ContainerConfig.Builder b = request.toBuilder();
        b.getImageBuilder().setImage(imageRef);
        if (request.getCommandCount() == 0 && request.getArgsCount() == 0 && !args.isEmpty()) {
            b.addAllCommand(args);
        }
        if (request.getWorkingDir().isEmpty() && !cwd.isEmpty()) {
            b.setWorkingDir(cwd);
        }
        return b.build();
    }

    /**
     * The member's name, checked: relative, inside the archive, a file or a directory. A member
     * anywhere in the archive that could not be unpacked safely refuses the whole archive.
     */
    static String memberName(Path archive, TarEntry e) throws JcriException {
        String name = e.name();
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        if (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.startsWith("/") || List.of(name.split("/")).contains("..")) {
            throw invalid("checkpoint archive " + archive + ": member " + shown(e.name()) + " leaves the archive");
        }
        if (e.type() != TarEntry.Type.FILE && e.type() != TarEntry.Type.DIRECTORY) {
            throw invalid("checkpoint archive " + archive + ": member " + shown(e.name()) + " is a " + e.type()
                    + ", only files and directories are restored");
        }
        return name;
    }

    private static byte[] document(Path archive, TarReader tar, TarEntry e) throws IOException {
        if (e.type() != TarEntry.Type.FILE || e.size() > MAX_DOCUMENT_BYTES) {
            throw invalid("checkpoint archive " + archive + ": " + e.name() + " is not a file of at most "
                    + MAX_DOCUMENT_BYTES + " bytes (" + e.size() + ")");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) e.size());
        tar.copyContent(out);
        return out.toByteArray();
    }

    private static JsonNode json(Path archive, String member, byte[] bytes) throws JcriException {
        try {
            return Json.reader().readTree(bytes);
        } catch (IOException e) {
            throw invalid("checkpoint archive " + archive + ": " + member + " is not JSON: " + e.getMessage());
        }
    }

    /** The image from config.dump: its ID (rootfsImageRef) first, else the name it was pulled by. Never a path. */
    private static String imageOf(Path archive, JsonNode config) throws JcriException {
        Optional<String> image = List.of("rootfsImageRef", "rootfsImageName", "rootfsImage").stream()
                .map(k -> config.path(k).asText("")).filter(s -> !s.isBlank()).findFirst();
        if (image.isEmpty()) {
            throw invalid("checkpoint archive " + archive + ": " + CheckpointArchive.CONFIG_DUMP + " names no image");
        }
        String ref = image.get();
        if (named(ref) || ref.indexOf('\0') >= 0 || ref.length() > 4096) {
            throw invalid("checkpoint archive " + archive + ": " + CheckpointArchive.CONFIG_DUMP + " names "
                    + shown(ref) + ", not an image");
        }
        return ref;
    }

    private static List<String> args(Path archive, JsonNode args) throws JcriException {
        if (args.isMissingNode() || args.isNull()) {
            return List.of();
        }
        if (!args.isArray() || args.size() > MAX_ARGS) {
            throw invalid("checkpoint archive " + archive + ": spec.dump process.args is not a list of at most " + MAX_ARGS);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode a : args) {
            if (!a.isTextual() || a.asText().indexOf('\0') >= 0) {
                throw invalid("checkpoint archive " + archive + ": spec.dump process.args holds a non-string");
            }
            out.add(a.asText());
        }
        return out;
    }

    private static String cwd(Path archive, JsonNode cwd) throws JcriException {
        String dir = cwd.asText("");
        if (!dir.isEmpty() && (!dir.startsWith("/") || dir.indexOf('\0') >= 0)) {
            throw invalid("checkpoint archive " + archive + ": spec.dump process.cwd " + shown(dir) + " is not absolute");
        }
        return dir;
    }

    private static List<String> deletedPaths(Path archive, JsonNode list) throws JcriException {
        if (!list.isArray()) {
            throw invalid("checkpoint archive " + archive + ": deleted.files is not a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : list) {
            String p = n.asText("");
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            if (!n.isTextual() || p.isEmpty() || p.indexOf('\0') >= 0 || List.of(p.split("/")).contains("..")) {
                throw invalid("checkpoint archive " + archive + ": deleted.files names " + shown(n.toString())
                        + ", not a path inside the container");
            }
            out.add(p);
        }
        return out;
    }

    private static String shown(String s) {
        return dev.jcri.sandbox.validate.TextRules.shown(s);
    }

    private static JcriException invalid(String why) {
        return JcriException.invalidArgument(FIELD, why);
    }
}
