package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.sandbox.spec.HostFeatures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeFeaturesTest {

    /** A node whose kernel can do everything (5.12+, AppArmor): only the runtime can narrow it. */
    private static final HostFeatures KERNEL = new HostFeatures(true, true, true, true, false, 40,
            List.of("SCMP_ARCH_X86_64"), Path.of("/dev"), "6.18.0", "amd64");

    private static RuntimeFeatures fixture(String name) throws IOException {
        try (InputStream in = RuntimeFeaturesTest.class.getResourceAsStream(name)) {
            return RuntimeFeatures.parse(in.readAllBytes());
        }
    }

    private static RuntimeFeatures parse(String json) throws IOException {
        return RuntimeFeatures.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void runc11ListsRroAndItsContainersMayHaveIt() throws Exception {
        // `runc features` of Debian 12's runc 1.1.5; that runc really makes such mounts recursive
        RuntimeFeatures runc = fixture("runc-1.1.5-features.json");
        assertTrue(runc.reported());
        assertTrue(runc.knowsMountOption("rro"));
        assertTrue(runc.knowsMountOption("rbind"));
        assertTrue(runc.seccomp());
        assertTrue(runc.appArmor());
        assertEquals(KERNEL, runc.applyTo(KERNEL));
        assertFalse(runc.applyTo(KERNEL.withRecursiveReadOnlyMounts(false)).recursiveReadOnlyMounts(),
                "a kernel before 5.12 (no mount_setattr) cannot, whatever the runtime says");
    }

    @Test
    void runc12ListsRroAndIdmapAndUnknownFieldsAreIgnored() throws Exception {
        RuntimeFeatures runc = fixture("runc-1.2.0-features.json");
        assertTrue(runc.knowsMountOption("rro"));
        assertTrue(runc.knowsMountOption("ridmap"));
        assertEquals(KERNEL, runc.applyTo(KERNEL));
    }

    @Test
    void aRuntimeThatDoesNotListRroCannotHaveIt() throws Exception {
        RuntimeFeatures f = parse("{\"ociVersionMin\": \"1.0.0\", \"mountOptions\": [\"ro\", \"rbind\", 7]}");
        assertTrue(f.reported());
        assertFalse(f.applyTo(KERNEL).recursiveReadOnlyMounts());
        assertNull(f.seccomp(), "not said");
        assertTrue(f.applyTo(KERNEL).seccomp(), "unsaid: the node's fact stands");
        assertTrue(f.applyTo(KERNEL).appArmorEnabled());
    }

    @Test
    void aRuntimeThatCannotAnswerGetsNothingThatNeedsAnAnswer() {
        HostFeatures h = RuntimeFeatures.UNREPORTED.applyTo(KERNEL);
        assertFalse(h.recursiveReadOnlyMounts());
        assertTrue(h.seccomp());
        assertTrue(h.appArmorEnabled());
    }

    @Test
    void seccompAndAppArmorOffWhenTheRuntimeSaysSo() throws Exception {
        RuntimeFeatures f = parse("""
                {"mountOptions": ["rro"], "linux": {"seccomp": {"enabled": false}, "apparmor": {"enabled": false}}}
                """);
        HostFeatures h = f.applyTo(KERNEL);
        assertFalse(h.seccomp());
        assertFalse(h.appArmorEnabled());
        assertTrue(h.recursiveReadOnlyMounts());
    }

    @Test
    void anAnswerThatIsNotAFeaturesDocumentIsAnError() {
        assertThrows(IOException.class, () -> parse("not json"));
        assertThrows(IOException.class, () -> parse("[\"rro\"]"));
        assertThrows(IOException.class, () -> parse(""));
    }

    @Test
    void askingARuntimeWithoutTheCommandOrWithGarbageReportsNothing(@TempDir Path dir) throws Exception {
        Path old = script(dir, "old", "echo \"unknown command $1\" >&2; exit 1");
        assertEquals(RuntimeFeatures.UNREPORTED, OciRuntime.askFeatures(old));
        Path garbage = script(dir, "garbage", "echo '{not json'");
        assertEquals(RuntimeFeatures.UNREPORTED, OciRuntime.askFeatures(garbage));
        Path answers = script(dir, "new", "[ \"$1\" = features ] && echo '{\"mountOptions\": [\"rro\"]}'");
        assertTrue(OciRuntime.askFeatures(answers).knowsMountOption("rro"));
        assertEquals(RuntimeFeatures.UNREPORTED, OciRuntime.askFeatures(dir.resolve("absent")));
    }

    private static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }
}
