package dev.jcri.snapshot.layer;

import java.util.ArrayList;
import java.util.List;

/**
 * Lexical cleaning of tar member names into components relative to the layer root.
 *
 * <p>Absolute names and {@code ..} are neutralised the way containerd does it (as if the name were
 * rooted at "/" and cleaned): {@code /etc/passwd} and {@code ../../etc/passwd} both become
 * {@code etc/passwd}, inside the layer. Nothing lexical can point outside the root afterwards;
 * symlinks are the {@link DirectoryResolver}'s business.
 */
final class LayerPaths {
    private LayerPaths() {}

    static List<String> clean(String name) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        int len = name.length();
        while (start <= len) {
            int slash = name.indexOf('/', start);
            int end = slash < 0 ? len : slash;
            String c = name.substring(start, end);
            if (c.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
            } else if (!c.isEmpty() && !c.equals(".")) {
                parts.add(c);
            }
            start = end + 1;
        }
        return parts;
    }

    static String join(List<String> parts) {
        return String.join("/", parts);
    }
}
