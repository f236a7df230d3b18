package dev.jcri.sandbox.cgroup;

import dev.jcri.linux.ProcFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reading and writing cgroup interface files. Reads are tolerant: a file that is missing (the
 * controller is not there, or the cgroup vanished mid-read) or unparsable gives
 * {@link CgroupStats#UNKNOWN} or an empty map, never an exception, so one vanished file makes a
 * partial reading. Each read is one open and one read loop: a reading costs one pass over its files.
 */
final class CgroupFiles {

    private static final long V1_UNLIMITED_FROM = 1L << 62;

    private CgroupFiles() {}

    /** The file's text, stripped, or empty if it cannot be read (an empty file reads as ""). */
    static Optional<String> read(Path file) {
        try {
            return Optional.of(ProcFiles.read(file).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The file's text, stripped, or "" if it cannot be read. */
    static String text(Path file) {
        return read(file).orElse("");
    }

    /** A single number; "max" is {@link CgroupStats#UNLIMITED}; missing or garbage is UNKNOWN. */
    static long number(Path file) {
        return parse(text(file));
    }

    static long parse(String value) {
        if (value.equals("max")) {
            return CgroupStats.UNLIMITED;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return CgroupStats.UNKNOWN;
        }
    }

    /**
     * A v1 limit: "no limit" reads as the page counter's maximum (PAGE_COUNTER_MAX pages,
     * 0x7FFFFFFFFFFFF000 with 4 KiB pages), so anything this large is {@link CgroupStats#UNLIMITED}.
     */
    static long v1Limit(long value) {
        return value >= V1_UNLIMITED_FROM ? CgroupStats.UNLIMITED : value;
    }

    /** A counter converted to other units (microseconds to nanoseconds), or UNKNOWN when absent. */
    static long scaled(Long value, long factor) {
        return value == null || value < 0 ? CgroupStats.UNKNOWN : value * factor;
    }

    /** A flat keyed file ({@code key value} lines: memory.stat, cpu.stat, cpuacct.stat, pids.events). */
    static Map<String, Long> flatKeyed(Path file) {
        Map<String, Long> out = new HashMap<>();
        for (String line : text(file).split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0) {
                long value = parse(line.substring(space + 1).strip());
                if (value != CgroupStats.UNKNOWN) {
                    out.put(line.substring(0, space), value);
                }
            }
        }
        return out;
    }

    /**
     * A nested keyed file ({@code key sub=value sub=value} lines: io.stat, the PSI files), by key
     * then sub-key, in file order; values kept as text (PSI averages are decimals).
     */
    static Map<String, Map<String, String>> nestedKeyed(Path file) {
        return nestedKeyed(text(file));
    }

    static Map<String, Map<String, String>> nestedKeyed(String text) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 2) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 1; i < fields.length; i++) {
                int eq = fields[i].indexOf('=');
                if (eq > 0) {
                    values.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
                }
            }
            out.put(fields[0], values);
        }
        return out;
    }

    /** The first {@code max} numbers of a one-per-line file (cgroup.procs), read no further; empty if it cannot be read. */
    static java.util.List<Long> ids(Path file, int max) {
        java.util.List<Long> out = new java.util.ArrayList<>();
        try (java.io.BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while (out.size() < max && (line = in.readLine()) != null) {
                long id = parse(line.strip());
                if (id > 0 && id != CgroupStats.UNLIMITED) {
                    out.add(id);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // the cgroup went away: what was read stands
        }
        return out;
    }

    /** A block device as "MAJ:MIN" → {major, minor}, or null if it is not one. */
    static int[] device(String majorMinor) {
        int colon = majorMinor.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(majorMinor.substring(0, colon)), Integer.parseInt(majorMinor.substring(colon + 1))};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A PSI file (cpu.pressure, memory.pressure, io.pressure), or null when there is none. */
    static CgroupStats.Pressure pressure(Path file) {
        Map<String, Map<String, String>> lines = nestedKeyed(file);
        CgroupStats.PressureLine some = pressureLine(lines.get("some"));
        CgroupStats.PressureLine full = pressureLine(lines.get("full"));
        return some == null && full == null ? null : new CgroupStats.Pressure(some, full);
    }

    private static CgroupStats.PressureLine pressureLine(Map<String, String> values) {
        if (values == null) {
            return null;
        }
        try {
            return new CgroupStats.PressureLine(Double.parseDouble(values.getOrDefault("avg10", "0")),
                    Double.parseDouble(values.getOrDefault("avg60", "0")),
                    Double.parseDouble(values.getOrDefault("avg300", "0")),
                    Long.parseLong(values.getOrDefault("total", "0")));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Writes one value to an interface file (the kernel takes one write per value). A failure names
     * the file and the value: the kernel's reason alone ("Invalid argument") says neither. A file
     * that does not exist is an error, never created: in cgroupfs that means the controller is not
     * there, and so it must be in a fixture too.
     */
    static void write(Path file, String value) throws IOException {
        try {
            Files.writeString(file, value, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                    ? fse.getReason() : e.toString();
            throw new IOException("cannot set " + file + " to " + value + ": " + reason, e);
        }
    }
}
