package dev.jcri.conformance.security;

import dev.jcri.conformance.JcriProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another local user of the node ({@code nobody}, no groups), trying what {@link UnprivilegedProbe}
 * tries on every path under jcri's root and state. The paths are found as root (the attacker
 * cannot list them, but names such as snapshot numbers are easy to guess), then tried as that user.
 */
final class LocalUser {

    static final int NOBODY = 65534;

    /** What the user managed to do, one {@link UnprivilegedProbe} line each. */
    record Attempts(List<String> lines) {
        List<String> of(String kind) {
            return lines.stream().filter(l -> l.startsWith(kind + " ")).map(l -> l.substring(kind.length() + 1)).toList();
        }
    }

    private final Path workDir;

    /** @param workDir a directory the user can enter; the probe's class and path list go there */
    LocalUser(Path workDir) throws IOException {
        this.workDir = Files.createDirectories(workDir);
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path classFile = workDir.resolve(UnprivilegedProbe.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(classFile.getParent());
        for (Path d = classFile.getParent(); !d.equals(workDir); d = d.getParent()) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (InputStream in = UnprivilegedProbe.class.getResourceAsStream(UnprivilegedProbe.class.getSimpleName() + ".class")) {
            Files.write(classFile, in.readAllBytes());
        }
        Files.setPosixFilePermissions(classFile, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Every path under the given trees (the trees included), as root sees them, symlinks not followed. */
    static List<Path> everythingUnder(Path... trees) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path tree : trees) {
            Files.walkFileTree(tree, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    all.add(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    all.add(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // gone meanwhile (a pid file, a FIFO)
                }
            });
        }
        return all;
    }

    /** Tries every path in {@code paths}, and to execute each of {@code executables}, as the user. */
    Attempts attempt(List<Path> paths, List<Path> executables) throws IOException, InterruptedException {
        Path list = workDir.resolve("paths.txt");
        Files.write(list, paths.stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(list, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid", Integer.toString(NOBODY),
                "--regid", Integer.toString(NOBODY), "--clear-groups", "--",
                JcriProcess.java().toString(), "-XX:-UsePerfData", "-Xshare:auto", "-cp", workDir.toString(),
                UnprivilegedProbe.class.getName(), list.toString()));
        executables.forEach(e -> command.add(e.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(workDir.toFile());
        pb.environment().put("HOME", workDir.toString());
        Process probe = pb.start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!probe.waitFor(120, TimeUnit.SECONDS)) {
            probe.destroyForcibly();
            throw new AssertionError("the probe did not finish: " + out);
        }
        if (probe.exitValue() != 0) {
            throw new AssertionError("the probe failed (" + probe.exitValue() + "): " + out);
        }
        return new Attempts(out.lines().toList());
    }
}
