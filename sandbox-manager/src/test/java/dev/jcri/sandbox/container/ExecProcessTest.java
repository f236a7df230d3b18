package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecProcessTest {

    /** A container's config.json, with fields jcri does not write itself (they must survive too). */
    private static final String CONFIG = """
            {
              "ociVersion": "1.0.2-dev",
              "process": {
                "terminal": true,
                "consoleSize": {"height": 24, "width": 80},
                "user": {"uid": 1001, "gid": 2002, "additionalGids": [3003, 4004], "umask": 18},
                "args": ["sleep", "600"],
                "env": ["PATH=/bin", "SECRET=s3cr3t"],
                "cwd": "/work",
                "capabilities": {"bounding": ["CAP_NET_ADMIN"], "effective": ["CAP_NET_ADMIN"],
                                 "inheritable": [], "permitted": ["CAP_NET_ADMIN"], "ambient": []},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 512}],
                "noNewPrivileges": true,
                "apparmorProfile": "confined",
                "selinuxLabel": "system_u:system_r:container_t:s0:c1,c2",
                "oomScoreAdj": 500
              },
              "root": {"path": "/run/jcri/containers/x/rootfs"},
              "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO"}}
            }
            """;

    private static JsonNode process(String config, List<String> cmd) throws IOException {
        return Json.reader().readTree(ExecProcess.of(config.getBytes(StandardCharsets.UTF_8), cmd));
    }

    @Test
    void theContainersProcessWithOnlyTheCommandAndTerminalChanged() throws Exception {
        JsonNode exec = process(CONFIG, List.of("id", "-u"));
        ObjectNode expected = (ObjectNode) Json.reader().readTree(CONFIG).path("process").deepCopy();
        expected.putArray("args").add("id").add("-u");
        expected.put("terminal", false);
        expected.remove("consoleSize");
        assertEquals(expected, exec, "user, groups, caps, nnp, labels, rlimits, env, cwd, oom score all kept");
        assertEquals(1001, exec.path("user").path("uid").asInt());
        assertEquals("[3003,4004]", exec.path("user").path("additionalGids").toString());
    }

    @Test
    void aConfigWithoutAProcessOrUserIsAnErrorNotTheRuntimesDefaults() {
        assertThrows(IOException.class, () -> process("{\"ociVersion\": \"1.0.2\"}", List.of("id")));
        assertThrows(IOException.class, () -> process("{\"process\": {\"args\": [\"sh\"]}}", List.of("id")));
        assertThrows(IOException.class, () -> process("{\"process\": [1]}", List.of("id")));
        assertThrows(IllegalArgumentException.class, () -> process(CONFIG, List.of()));
    }

    @Test
    void theDocumentIsWrittenForRootOnlyAndNeverOverAnExistingFile(@TempDir Path bundle) throws Exception {
        Files.writeString(bundle.resolve("config.json"), CONFIG);
        Path file = ExecProcess.write(bundle, "exec-1.json", List.of("true"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "it holds the container's environment");
        assertEquals(List.of("true"), Json.reader().readValue(Json.reader().readTree(Files.readAllBytes(file)).path("args"), List.class));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> ExecProcess.write(bundle, "exec-1.json", List.of("x")));
        assertFalse(Json.reader().readTree(Files.readAllBytes(file)).path("terminal").asBoolean());
    }
}
