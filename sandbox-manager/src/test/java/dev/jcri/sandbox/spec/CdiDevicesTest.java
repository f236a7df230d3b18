package dev.jcri.sandbox.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.errors.JcriException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

class CdiDevicesTest {
    @TempDir Path etc;
    @TempDir Path run;

    private static final String VENDOR_SPEC = """
            {"cdiVersion": "0.6.0", "kind": "example.com/dev",
             "containerEdits": {"env": ["SPEC_WIDE=1"]},
             "devices": [
               {"name": "null0", "containerEdits": {
                  "deviceNodes": [{"path": "/dev/cdi-null", "hostPath": "/dev/null", "permissions": "rw"}],
                  "env": ["DEV=null0"],
                  "mounts": [{"hostPath": "/etc/hostname", "containerPath": "/cdi/hostname", "options": ["ro"]}],
                  "hooks": [{"hookName": "createContainer", "path": "/bin/true", "args": ["true", "x"]}]}},
               {"name": "fixed", "containerEdits": {
                  "deviceNodes": [{"path": "/dev/fixed", "type": "c", "major": 10, "minor": 200}],
                  "env": ["DEV=fixed"]}}
             ]}
            """;

    private static Api.ContainerConfig asking(String... names) {
        Api.ContainerConfig.Builder b = Api.ContainerConfig.newBuilder();
        for (String n : names) {
            b.addCDIDevices(Api.CDIDevice.newBuilder().setName(n));
        }
        return b.build();
    }

    private CdiDevices devices() {
        return new CdiDevices(List.of(etc, run));
    }

    @Test
    void deviceAndSpecEditsBecomeOciParts() throws Exception {
        Files.writeString(etc.resolve("vendor.json"), VENDOR_SPEC);
        CdiEdits e = devices().resolve(asking("example.com/dev=null0", "example.com/dev=fixed"));

        assertEquals(List.of(new OciSpec.Device("c", "/dev/cdi-null", 1, 3, e.devices().get(0).fileMode(), null, null),
                new OciSpec.Device("c", "/dev/fixed", 10, 200, null, null, null)), e.devices());
        assertEquals(List.of(new OciSpec.DeviceRule(true, "c", 1L, 3L, "rw"), new OciSpec.DeviceRule(true, "c", 10L, 200L, "rwm")),
                e.rules());
        // the spec-wide edits once, before the devices'
        assertEquals(List.of("SPEC_WIDE=1", "DEV=null0", "DEV=fixed"), e.env());
        assertEquals(List.of(new OciSpec.Mount("/cdi/hostname", "bind", "/etc/hostname", List.of("ro", "bind"))), e.mounts());
        assertEquals(Map.of("createContainer", List.of(new OciSpec.Hook("/bin/true", List.of("true", "x"), List.of(), null))),
                e.hooks());
    }

    @Test
    void applyingReplacesSameNamedEnvAndSamePathDevicesAndAddsHooks() throws Exception {
        Files.writeString(etc.resolve("vendor.json"), VENDOR_SPEC);
        CdiEdits e = devices().resolve(asking("example.com/dev=null0"));
        OciSpec base = new OciSpec("1.0.2", new OciSpec.Process(null, null, List.of("sh"), List.of("DEV=image", "PATH=/bin"),
                "/", null, null, null, null, null), new OciSpec.Root("/r", false), null,
                List.of(new OciSpec.Mount("/cdi/hostname", "tmpfs", "tmpfs", List.of())), null,
                new OciSpec.Linux(List.of(), new OciSpec.Resources(List.of(new OciSpec.DeviceRule(false, null, null, null, "rwm")),
                        null, null, null, null, null), "", null, null, List.of(), null, null, null));

        OciSpec s = e.applyTo(base);

        assertEquals(List.of("PATH=/bin", "SPEC_WIDE=1", "DEV=null0"), s.process().env());
        assertEquals(List.of(e.mounts().get(0)), s.mounts());
        assertEquals(List.of("/dev/cdi-null"), s.linux().devices().stream().map(OciSpec.Device::path).toList());
        assertEquals(2, s.linux().resources().devices().size());
        assertEquals(1, s.hooks().createContainer().size());
        assertTrue(new String(s.toJson(), java.nio.charset.StandardCharsets.UTF_8).contains("\"createContainer\""));
        assertSame(base, CdiEdits.NONE.applyTo(base));
    }

    @Test
    void laterDirectoryOverridesAndNothingAskedReadsNothing() throws Exception {
        Files.writeString(etc.resolve("a.json"), VENDOR_SPEC);
        Files.writeString(run.resolve("b.json"), """
                {"cdiVersion": "0.6.0", "kind": "example.com/dev",
                 "devices": [{"name": "fixed", "containerEdits": {"env": ["FROM=run"]}}]}""");
        assertEquals(List.of("FROM=run"), devices().resolve(asking("example.com/dev=fixed")).env());
        assertSame(CdiEdits.NONE, devices().resolve(asking()));
    }

    @Test
    void yamlSpecFilesAreReadToo() throws Exception {
        Files.writeString(etc.resolve("vendor.yaml"), """
                cdiVersion: "0.6.0"
                kind: example.com/yaml
                devices:
                  - name: one
                    containerEdits:
                      env: ["FROM=yaml"]
                      deviceNodes:
                        - path: /dev/y
                          hostPath: /dev/null
                """);
        CdiEdits e = devices().resolve(asking("example.com/yaml=one"));
        assertEquals(List.of("FROM=yaml"), e.env());
        assertEquals(List.of("/dev/y"), e.devices().stream().map(OciSpec.Device::path).toList());
    }

    @Test
    void annotationsNameDevicesToo() throws Exception {
        Files.writeString(etc.resolve("vendor.json"), VENDOR_SPEC);
        CdiEdits e = devices().resolve(Api.ContainerConfig.newBuilder()
                .putAnnotations("cdi.k8s.io/gpu", "example.com/dev=fixed, example.com/dev=null0")
                .putAnnotations("other", "example.com/dev=nope").build());
        assertEquals(2, e.devices().size());
    }

    @Test
    void unknownOrMalformedNamesAreRefusedNamingTheField() throws Exception {
        Files.writeString(etc.resolve("vendor.json"), VENDOR_SPEC);
        JcriException unknown = assertThrows(JcriException.class,
                () -> devices().resolve(asking("example.com/dev=fixed", "example.com/dev=gone")));
        assertEquals(JcriException.Kind.INVALID_ARGUMENT, unknown.kind());
        assertTrue(unknown.getMessage().contains("config.CDI_devices[1].name"), unknown.getMessage());

        for (String bad : List.of("", "nodevice", "example.com/dev", "example.com/dev=", "/dev=x", "a/b=../x",
                "example.com/dev=x y", "x".repeat(300) + "/c=d")) {
            JcriException e = assertThrows(JcriException.class, () -> devices().resolve(asking(bad)), bad);
            assertTrue(e.getMessage().contains("config.CDI_devices[0].name"), e.getMessage());
        }
        JcriException annotated = assertThrows(JcriException.class, () -> devices().resolve(Api.ContainerConfig.newBuilder()
                .putAnnotations("cdi.k8s.io/x", "example.com/dev=fixed,,").build()));
        assertTrue(annotated.getMessage().contains("cdi.k8s.io/x"), annotated.getMessage());
    }

    @Test
    void malformedFilesAreSkippedAndDuplicatesInOneDirectoryConflict() throws Exception {
        Files.writeString(etc.resolve("a.json"), VENDOR_SPEC);
        Files.writeString(etc.resolve("b.json"), """
                {"cdiVersion": "0.6.0", "kind": "example.com/dev", "devices": [{"name": "fixed", "containerEdits": {}}]}""");
        Files.writeString(etc.resolve("c.json"), "{not json");
        Files.writeString(etc.resolve("d.json"), """
                {"cdiVersion": "0.6.0", "kind": "no-slash", "devices": [{"name": "x", "containerEdits": {}}]}""");
        JcriException conflict = assertThrows(JcriException.class, () -> devices().resolve(asking("example.com/dev=fixed")));
        assertTrue(conflict.getMessage().contains("more than once"), conflict.getMessage());
        assertEquals(1, devices().resolve(asking("example.com/dev=null0")).devices().size());
    }

    @Test
    void brokenEditsOfAnAskedDeviceAreRefused() throws Exception {
        Files.writeString(etc.resolve("a.json"), """
                {"cdiVersion": "0.6.0", "kind": "example.com/dev", "devices": [
                  {"name": "notnode", "containerEdits": {"deviceNodes": [{"path": "/dev/x", "hostPath": "/etc/hostname"}]}},
                  {"name": "relative", "containerEdits": {"mounts": [{"hostPath": "etc", "containerPath": "/x"}]}},
                  {"name": "hook", "containerEdits": {"hooks": [{"hookName": "whenever", "path": "/bin/true"}]}}]}""");
        for (String n : List.of("notnode", "relative", "hook")) {
            JcriException e = assertThrows(JcriException.class, () -> devices().resolve(asking("example.com/dev=" + n)), n);
            assertEquals(JcriException.Kind.INVALID_ARGUMENT, e.kind());
        }
    }

    @Test
    void additionalGidsJoinTheProcessGroupsOnceAndNeverTheRootGroup() throws Exception {
        Files.writeString(etc.resolve("g.json"), """
                {"cdiVersion": "0.7.0", "kind": "example.com/gpu",
                 "containerEdits": {"additionalGids": [44]},
                 "devices": [{"name": "a", "containerEdits": {"additionalGids": [0, 107, 44, 5]}}]}""");
        CdiEdits e = devices().resolve(asking("example.com/gpu=a"));
        assertEquals(List.of(44L, 107L, 5L), e.additionalGids());

        OciSpec base = new OciSpec("1.0.2", new OciSpec.Process(null, new OciSpec.User(1000, 1000, List.of(1000L, 5L)),
                List.of("sh"), List.of(), "/", null, null, null, null, null), new OciSpec.Root("/r", false), null,
                List.of(), null, new OciSpec.Linux(List.of(), null, "", null, null, List.of(), null, null, null));
        BuiltSpec built = e.applyTo(new BuiltSpec(base, 15, List.of(),
                new ResolvedUser(1000, 1000, List.of(1000L, 5L), "app")));

        assertEquals(List.of(1000L, 5L, 44L, 107L), built.spec().process().user().additionalGids());
        assertEquals(List.of(1000L, 5L, 44L, 107L), built.user().additionalGids(), "ContainerStatus reports what the process has");
        assertEquals(1000L, built.spec().process().user().uid());
    }

    @Test
    void editsJcriCannotApplyOrOutOfRangeGidsRefuseTheDeviceNotTheFile() throws Exception {
        Files.writeString(etc.resolve("b.json"), """
                {"cdiVersion": "0.7.0", "kind": "example.com/odd", "devices": [
                  {"name": "rdt", "containerEdits": {"intelRdt": {"closID": "gold"}}},
                  {"name": "net", "containerEdits": {"netDevices": [{"hostInterfaceName": "eth9", "name": "eth1"}]}},
                  {"name": "gid", "containerEdits": {"additionalGids": [4294967295]}},
                  {"name": "plain", "containerEdits": {"env": ["OK=1"], "intelRdt": null, "netDevices": []}}]}""");
        for (String n : List.of("rdt", "net", "gid")) {
            JcriException e = assertThrows(JcriException.class, () -> devices().resolve(asking("example.com/odd=" + n)), n);
            assertEquals(JcriException.Kind.INVALID_ARGUMENT, e.kind());
            assertTrue(e.getMessage().contains("example.com/odd=" + n), e.getMessage());
        }
        assertEquals(List.of("OK=1"), devices().resolve(asking("example.com/odd=plain")).env());
    }
}
