package dev.jcri.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.json.Json;
import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.PrivateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On-disk record of attachments, one JSON file per (network, container, ifname) named as libcni
 * names its cache files ({@code results/<network>-<container>-<ifname>}), written atomically.
 *
 * <p>An entry is written <em>before</em> the ADD runs (complete=false) and updated with the result
 * after it: a daemon that crashes mid-ADD then still finds the attachment, and its config, for DEL.
 * The entry keeps the exact config and capability arguments ADD used, so DEL after a config change
 * or removal still runs the plugins that set the pod up, with the same arguments.
 *
 * <p>Private to root: directories 0700, entries 0600 ({@link PrivateFiles}); they hold pods'
 * network configs and addresses.
 */
final class ResultCache {
    private static final Logger log = LoggerFactory.getLogger(ResultCache.class);
    static final String KIND = "jcri.cni.attachment/v1";

    /** One attachment. {@code result} is null until ADD completed. */
    record Entry(String kind, String containerId, String networkName, String ifName, String netns,
                 String podNamespace, String podName, String podUid, ObjectNode config, ObjectNode capabilityArgs,
                 JsonNode result, boolean complete) {
        Entry {
            // Jackson reads a JSON null into a JsonNode component as NullNode: "no result" must stay null.
            result = result == null || result.isNull() || result.isMissingNode() ? null : result;
            capabilityArgs = capabilityArgs == null ? Json.objectNode() : capabilityArgs;
        }
    }

    private final Path dir;

    ResultCache(Path cacheDir) {
        this.dir = cacheDir.resolve("results");
    }

    private Path file(String networkName, String containerId, String ifName) {
        return dir.resolve(networkName + "-" + containerId + "-" + ifName);
    }

    void put(Entry e) throws IOException {
        PrivateFiles.createDirectories(dir);
        AtomicFiles.write(file(e.networkName(), e.containerId(), e.ifName()), out -> Json.writer().writeValue(out, e));
    }

    void remove(Entry e) throws IOException {
        Files.deleteIfExists(file(e.networkName(), e.containerId(), e.ifName()));
    }

    Optional<Entry> get(String networkName, String containerId, String ifName) throws IOException {
        return Optional.ofNullable(read(file(networkName, containerId, ifName)));
    }

    List<Entry> forContainer(String containerId) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (Entry e : all()) {
            if (e.containerId().equals(containerId)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Deletes the temp files of writes a crash cut (never an entry: they were not renamed into place). */
    void discardCutWrites() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (AtomicFiles.isTempFile(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Every readable entry; unreadable files are logged and skipped (they never block other pods). */
    List<Entry> all() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (AtomicFiles.isTempFile(f)) {
                    continue;
                }
                Entry e = read(f);
                if (e != null) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static Entry read(Path f) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            Entry e = Json.reader().readValue(bytes, Entry.class);
            if (!KIND.equals(e.kind()) || e.containerId() == null || e.networkName() == null || e.config() == null) {
                log.warn("ignoring CNI cache file {}: not a {} record", f, KIND);
                return null;
            }
            return e;
        } catch (IOException ex) {
            log.warn("ignoring unreadable CNI cache file {}: {}", f, ex.getMessage());
            return null;
        }
    }
}
