package dev.jcri.sandbox.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecUserNamespaceTest {

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    @Test
    void joinsThePinnedNamespaceWithItsMappingsAndRebindsOnlyBindMounts() throws Exception {
        OciSpec spec = OciSpecBuilder.build(TestInputs.input(TestInputs.rootfs(dir), TestInputs.container()
                .addMounts(runtime.v1.Api.Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString())).build()),
                TestInputs.host()).spec();
        List<OciSpec.IdMapping> ids = List.of(new OciSpec.IdMapping(0, 100000, 65536));
        OciSpec joined = SpecUserNamespace.join(spec, Path.of("/run/jcri/pods/p/ns/user"), ids, ids, Path.of("/run/jcri/userns/c/rootfs"),
                m -> new OciSpec.Mount(m.destination(), m.type(), "/view" + m.destination(), m.options()));

        assertEquals(new OciSpec.Namespace("user", "/run/jcri/pods/p/ns/user"), joined.linux().namespaces().getFirst());
        assertEquals(spec.linux().namespaces().size() + 1, joined.linux().namespaces().size());
        assertEquals("/run/jcri/userns/c/rootfs", joined.root().path());
        for (int i = 0; i < spec.mounts().size(); i++) {
            OciSpec.Mount before = spec.mounts().get(i);
            OciSpec.Mount after = joined.mounts().get(i);
            assertEquals(SpecUserNamespace.isBind(before) ? "/view" + before.destination() : before.source(), after.source());
        }
        assertTrue(spec.mounts().stream().anyMatch(SpecUserNamespace::isBind), "the test input has bind mounts");
        String json = new String(joined.toJson(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"uidMappings\"") && json.contains("\"containerID\" : 0") && json.contains("\"hostID\" : 100000")
                && json.contains("\"size\" : 65536"), json);
        String plain = new String(spec.toJson(), StandardCharsets.UTF_8);
        assertTrue(!plain.contains("uidMappings"), "no mappings without a user namespace");
    }
}
