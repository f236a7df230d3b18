package dev.jcri.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Huge page sizes as the hugetlb controller names them in its file names ({@code hugetlb.2MB.*}),
 * on both versions. A size becomes part of a file name, so only this shape is accepted.
 */
final class HugePageSizes {

    private static final Pattern SIZE = Pattern.compile("[0-9]+[KMG]B");

    private HugePageSizes() {}

    static String checked(String pageSize) {
        if (!SIZE.matcher(pageSize).matches()) {
            throw new IllegalArgumentException("invalid huge page size \"" + pageSize + "\" (expected like 2MB or 1GB)");
        }
        return pageSize;
    }

    /** The sizes of the files {@code hugetlb.<size>.<suffix>} in a cgroup directory (empty if it cannot be listed). */
    static List<String> listed(Path dir, String suffix) {
        Pattern file = Pattern.compile("hugetlb\\.(" + SIZE.pattern() + ")\\." + Pattern.quote(suffix));
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> file.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> m.group(1)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
