package dev.jcri.cni;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds a plugin's executable by its type name in the configured directories, first match wins. */
final class PluginLocator {
    private final List<Path> dirs;

    PluginLocator(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    List<Path> dirs() {
        return dirs;
    }

    /** A stat per directory: cheap enough for every Status call, so an installed plugin is seen at once. */
    Optional<Path> find(String type) {
        for (Path dir : dirs) {
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
