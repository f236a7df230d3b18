package dev.jcri.cni;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.json.Json;
import dev.jcri.linux.ChildProcess;
import dev.jcri.linux.ProcessResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one plugin binary once (the CNI "exec" protocol): config on stdin, parameters in the
 * environment, a result or an error object on stdout. A run is bounded by the plugin timeout and
 * {@link ChildProcess} kills the plugin's whole process tree and reaps it when that expires.
 */
final class PluginInvoker {
    private static final Logger log = LoggerFactory.getLogger(PluginInvoker.class);
    /** Results are small; a plugin printing more than this is broken. */
    private static final int OUTPUT_LIMIT = 4 << 20;
    private static final int MAX_TEXT_IN_MESSAGE = 1000;

    private final PluginLocator locator;
    private final Duration timeout;
    private final Map<String, String> inheritedEnv;

    PluginInvoker(PluginLocator locator, Duration timeout, Map<String, String> inheritedEnv) {
        this.locator = locator;
        this.timeout = timeout;
        this.inheritedEnv = Map.copyOf(inheritedEnv);
    }

    PluginLocator locator() {
        return locator;
    }

    /** A call's parameters besides the plugin and its stdin. netns "" means none. */
    record Call(String command, String containerId, String netns, String ifName, String cniArgs) {}

    /**
     * Runs the plugin. Returns the parsed stdout, or null when the plugin printed nothing (DEL,
     * CHECK and STATUS print nothing on success).
     */
    JsonNode exec(String type, Call call, byte[] stdin) throws IOException {
        Path binary = locator.find(type).orElseThrow(() -> new CniException(type, call.command(), CniException.CODE_NONE,
                "plugin binary '" + type + "' not found in " + locator.dirs(), null));
        Map<String, String> env = PluginEnvironment.build(inheritedEnv, call.command(), call.containerId(), call.netns(),
                call.ifName(), call.cniArgs(), locator.dirs());
        long start = System.nanoTime();
        ProcessResult r = ChildProcess.command(binary.toString())
                .environment(env)
                .stdin(stdin)
                .timeout(timeout)
                .outputLimit(OUTPUT_LIMIT)
                .run();
        if (log.isDebugEnabled()) {
            log.debug("CNI {} {} container={} exit={} in {} ms{}", type, call.command(), call.containerId(), r.exitCode(),
                    (System.nanoTime() - start) / 1_000_000, r.stderr().length > 0 ? " stderr: " + clip(r.stderrText()) : "");
        }
        if (r.timedOut()) {
            throw new CniException(type, call.command(), CniException.CODE_NONE,
                    "timed out after " + timeout.toMillis() + " ms; the plugin's processes were killed", null);
        }
        if (r.exitCode() != 0) {
            throw pluginError(type, call.command(), r);
        }
        String out = r.stdoutText().strip();
        if (out.isEmpty()) {
            return null;
        }
        if (r.stdoutTruncated()) {
            throw new CniException(type, call.command(), CniException.CODE_NONE,
                    "printed more than " + OUTPUT_LIMIT + " bytes", null);
        }
        try {
            return Json.reader().readTree(out);
        } catch (IOException e) {
            throw new CniException(type, call.command(), CniException.CODE_NONE,
                    "printed a result that is not JSON: " + clip(out), null);
        }
    }

    /** The spec's error object from stdout; failing that, whatever the plugin said on stderr. */
    private static CniException pluginError(String type, String command, ProcessResult r) {
        String out = r.stdoutText().strip();
        if (!out.isEmpty()) {
            try {
                JsonNode err = Json.reader().readTree(out);
                if (err != null && err.isObject() && (err.has("msg") || err.has("code"))) {
                    return new CniException(type, command, err.path("code").asInt(CniException.CODE_NONE),
                            JsonFields.text(err, "msg"), JsonFields.text(err, "details"));
                }
            } catch (IOException ignored) {
                // Not JSON: fall through to the raw text.
            }
        }
        String text = !out.isEmpty() ? out : r.stderrText().strip();
        return new CniException(type, command, CniException.CODE_NONE,
                "exited with status " + r.exitCode() + (text.isEmpty() ? "" : ": " + clip(text)), null);
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT_IN_MESSAGE ? s : s.substring(0, MAX_TEXT_IN_MESSAGE) + "...";
    }
}
