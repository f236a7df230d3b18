package dev.jcri.cni;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network configuration directory: the lexically first valid {@code .conflist}, {@code .conf}
 * or {@code .json} file is the pod network (libcni's ConfFiles order; invalid files are skipped
 * with a warning, as CRI-O does, so a stray broken file doesn't take the node's network down).
 *
 * <p>Reload: each call lists the directory and compares names, sizes and mtimes with the last
 * load; only a change re-reads files. A listing of a handful of entries costs microseconds, which
 * suits Status every few seconds and needs no watcher thread (a WatchService would also miss
 * changes when the directory itself is replaced or created later).
 */
final class ConfigDirectory {
    private static final Logger log = LoggerFactory.getLogger(ConfigDirectory.class);
    private static final List<String> EXTENSIONS = List.of(".conflist", ".conf", ".json");

    /** The current network, or null with the reason why there is none. */
    record Loaded(NetworkConfigList network, String problem) {}

    private final Path dir;
    private List<String> fingerprint;
    private Loaded loaded;

    ConfigDirectory(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    synchronized Loaded current() {
        List<Path> files = new ArrayList<>();
        List<String> print = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path f : entries) {
                String name = f.getFileName().toString();
                if (EXTENSIONS.stream().anyMatch(name::endsWith) && !name.startsWith(".")) {
                    files.add(f);
                }
            }
        } catch (IOException e) {
            // Missing directory: the same as empty (CNI installers create it later).
        }
        files.sort(null);
        for (Path f : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                print.add(f.getFileName() + "|" + a.size() + "|" + a.lastModifiedTime() + "|" + a.fileKey());
            } catch (IOException e) {
                print.add(f.getFileName() + "|gone");
            }
        }
        if (loaded != null && print.equals(fingerprint)) {
            return loaded;
        }
        fingerprint = print;
        loaded = load(files);
        if (loaded.network() != null) {
            log.info("CNI network '{}' (cniVersion {}) loaded from {}", loaded.network().name(),
                    loaded.network().cniVersion(), loaded.network().source());
        } else {
            log.info("CNI not ready: {}", loaded.problem());
        }
        return loaded;
    }

    private Loaded load(List<Path> files) {
        List<String> skipped = new ArrayList<>();
        for (Path f : files) {
            try {
                return new Loaded(ConfigParser.parseFile(f, Files.readAllBytes(f)), null);
            } catch (CniException e) {
                log.warn("skipping CNI config {}: {}", f, e.getMessage());
                skipped.add(e.getMessage());
            } catch (IOException e) {
                log.warn("skipping CNI config {}: {}", f, e.toString());
                skipped.add(f + ": " + e);
            }
        }
        String problem = "no network config found in " + dir;
        if (!skipped.isEmpty()) {
            problem += " (invalid: " + String.join("; ", skipped) + ")";
        }
        return new Loaded(null, problem);
    }
}
