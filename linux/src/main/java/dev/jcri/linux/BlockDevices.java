package dev.jcri.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Names of block devices by number, from sysfs: {@code /sys/dev/block/MAJ:MIN} links to the
 * device's directory, whose name is the kernel's name for it ({@code vda}, {@code sda1},
 * {@code dm-0}), the one udev gives its node under /dev.
 */
public final class BlockDevices {

    public static final Path SYS = Path.of("/sys");

    private BlockDevices() {}

    /** {@code /dev/NAME} of the device, or empty when sysfs does not know it (it went away, or {@code sys} is not sysfs). */
    public static Optional<String> devicePath(Path sys, int major, int minor) {
        try {
            Path target = Files.readSymbolicLink(sys.resolve("dev/block").resolve(major + ":" + minor));
            Path name = target.getFileName();
            return name == null ? Optional.empty() : Optional.of("/dev/" + name);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
