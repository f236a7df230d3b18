package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

class DeviceSpecsTest {
    @TempDir Path dir;

    private static Api.Device device(String host, String container, String perms) {
        return Api.Device.newBuilder().setHostPath(host).setContainerPath(container).setPermissions(perms).build();
    }

    @Test
    void unprivilegedDeniesAllThenAllowsEachRequestedDevice() throws Exception {
        DeviceSpecs.Result r = DeviceSpecs.of(List.of(device("/dev/null", "/dev/mynull", "rw")), false, Path.of("/dev"));
        assertEquals(List.of(new OciSpec.Device("c", "/dev/mynull", 1, 3, r.devices().getFirst().fileMode(),
                r.devices().getFirst().uid(), r.devices().getFirst().gid())), r.devices());
        assertEquals(List.of(new OciSpec.DeviceRule(false, null, null, null, "rwm"),
                new OciSpec.DeviceRule(true, "c", 1L, 3L, "rw")), r.rules());
    }

    @Test
    void symlinkedHostPathIsResolvedAndPermissionsDefault() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("z"), Path.of("/dev/zero"));
        DeviceSpecs.Result r = DeviceSpecs.of(List.of(device(link.toString(), "/dev/z", "")), false, Path.of("/dev"));
        assertEquals(5, r.devices().getFirst().minor());
        assertEquals("rwm", r.rules().get(1).access());
    }

    @Test
    void notADeviceOrMissingIsInvalid() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "");
        var e = assertThrows(JcriException.class, () -> DeviceSpecs.of(List.of(device(f.toString(), "/dev/f", "r")), false, Path.of("/dev")));
        assertEquals("config.devices[0].host_path", e.field());
        assertThrows(JcriException.class, () -> DeviceSpecs.of(List.of(device("/dev/nope-x", "/dev/x", "r")), false, Path.of("/dev")));
    }

    @Test
    void privilegedAllowsAllAndGetsHostDevicesExceptPerContainerOnes() throws Exception {
        DeviceSpecs.Result r = DeviceSpecs.of(List.of(), true, Path.of("/dev"));
        assertEquals(List.of(new OciSpec.DeviceRule(true, null, null, null, "rwm")), r.rules());
        List<String> paths = r.devices().stream().map(OciSpec.Device::path).toList();
        assertTrue(paths.contains("/dev/null"));
        assertFalse(paths.contains("/dev/console"));
        assertFalse(paths.contains("/dev/ptmx"));
        assertTrue(paths.stream().noneMatch(p -> p.startsWith("/dev/pts/")));
    }
}
