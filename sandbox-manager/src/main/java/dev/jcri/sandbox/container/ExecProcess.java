package dev.jcri.sandbox.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.json.Json;
import dev.jcri.linux.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process document of an exec ({@code runtime exec --process FILE}): the container's own
 * {@code process} from its bundle's config.json, with only the command replaced and no terminal.
 *
 * <p>Why a whole document rather than the runtime's exec flags: what an exec'd process gets when
 * a flag is absent differs per runtime. runc copies the container's process; crun 1.8 starts the
 * command as root with all of root's default capabilities, no supplementary groups and no
 * no_new_privs, whatever the container runs as. A process document is honoured as written by both,
 * so the exec runs with the container's user, groups, capabilities, no_new_privileges, AppArmor
 * and SELinux labels, rlimits, environment and working directory (containerd does the same).
 * Everything is copied as the bundle has it, fields jcri does not model included, so that nothing
 * the container was confined with is lost on the way.
 */
final class ExecProcess {

    private ExecProcess() {}

    /** The process document for {@code cmd}, from the container's config.json bytes. */
    static byte[] of(byte[] configJson, List<String> cmd) throws IOException {
        return of(configJson, cmd, null);
    }

    /**
     * The process document for {@code cmd}; with a {@code terminal} size it runs on a terminal of
     * that size (the runtime creates it), else on plain pipes.
     */
    static byte[] of(byte[] configJson, List<String> cmd, TerminalSize terminal) throws IOException {
        if (cmd.isEmpty()) {
            throw new IllegalArgumentException("an exec needs a command");
        }
        JsonNode process = Json.reader().readTree(configJson).path("process");
        if (!(process instanceof ObjectNode exec) || !exec.path("user").isObject()) {
            // never fall back to the runtime's defaults: those are what this class exists to avoid
            throw new IOException("the container's config.json has no process with a user");
        }
        ArrayNode args = exec.putArray("args");
        cmd.forEach(args::add);
        exec.put("terminal", terminal != null);
        exec.remove("consoleSize");
        if (terminal != null && terminal.columns() > 0 && terminal.rows() > 0) {
            exec.putObject("consoleSize").put("height", terminal.rows()).put("width", terminal.columns());
        }
        return Json.writer().writeValueAsBytes(exec);
    }

    /**
     * Writes the process document for {@code cmd} next to the bundle's config.json, readable by
     * root only (it holds the container's environment), and returns its path.
     */
    static Path write(Path bundle, String name, List<String> cmd) throws IOException {
        return write(bundle, name, cmd, null);
    }

    /** As {@link #write(Path, String, List)}, on a terminal when {@code terminal} is given. */
    static Path write(Path bundle, String name, List<String> cmd, TerminalSize terminal) throws IOException {
        byte[] document = of(Files.readAllBytes(bundle.resolve("config.json")), cmd, terminal);
        Path file = bundle.resolve(name);
        try (var out = PrivateFiles.newFile(file, PrivateFiles.FILE_MODE)) {
            out.write(ByteBuffer.wrap(document));
        }
        return file;
    }
}
