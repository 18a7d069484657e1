package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.utils.AppInfoParser;

/** What the figures were measured on: they mean little without it. */
record Machine(int processors, String memory, String cpuModel, String java, String kafka) {

    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");
    private static final Path MEMORY_INFO = Path.of("/proc/meminfo");
    private static final Path LOAD_AVERAGE = Path.of("/proc/loadavg");

    static Machine describe() {
        return new Machine(Runtime.getRuntime().availableProcessors(),
                field(MEMORY_INFO, "MemTotal"),
                field(CPU_INFO, "model name"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                AppInfoParser.getVersion());
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg has them. */
    static String loadAverage() {
        String text = read(LOAD_AVERAGE).get(0);
        String[] fields = text.split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    /** The value of the first {@code name: value} line of a /proc file, or "unknown". */
    static String field(Path file, String name) {
        for (String line : read(file)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "unknown";
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
