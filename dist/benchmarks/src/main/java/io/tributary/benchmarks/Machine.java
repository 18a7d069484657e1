package io.tributary.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.AppInfoParser;

/** What the figures were measured on: they mean little without it. */
record Machine(int processors, String memory, String cpuModel, String java, String kafka) {

    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");
    private static final Path MEMORY_INFO = Path.of("/proc/meminfo");
    private static final Path LOAD_AVERAGE = Path.of("/proc/loadavg");
    private static final Path NETWORK_COUNTERS = Path.of("/proc/net/snmp");
    private static final String AGENT_VERSION = "/io/tributary/agent/version.properties";
    private static final long COMMAND_TIMEOUT_SECONDS = 30;

    static Machine describe() {
        return new Machine(Runtime.getRuntime().availableProcessors(),
                field(MEMORY_INFO, "MemTotal"),
                field(CPU_INFO, "model name"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                AppInfoParser.getVersion());
    }

    /** Tributary's version, as the agent's jar on this class path has it. */
    static String tributaryVersion() {
        Properties version = new Properties();
        try (InputStream in = Machine.class.getResourceAsStream(AGENT_VERSION)) {
            if (in == null) {
                return "unknown (no " + AGENT_VERSION + " on the class path)";
            }
            version.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + AGENT_VERSION, e);
        }
        return version.getProperty("version", "unknown");
    }

    /** The commit checked out where {@code dir} is, or why there is none. */
    static String gitCommit(Path dir) {
        String commit = firstLineOf(List.of("git", "-C", dir.toString(), "rev-parse", "--short", "HEAD"));
        return commit == null ? "unknown (" + dir + " is not in a git checkout, or git is missing)" : commit;
    }

    /**
     * The first line that {@code command} prints, stdout and stderr merged, or null when it cannot
     * run, fails or takes longer than 30 s.
     */
    static String firstLineOf(List<String> command) {
        Path output = null;
        try {
            output = Files.createTempFile("tributary-benchmarks-", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            List<String> lines = Files.readAllLines(output);
            return process.exitValue() == 0 && !lines.isEmpty() ? lines.get(0).trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    /**
     * UDP datagrams the kernel dropped so far because a socket's receive buffer was full, over the
     * whole machine (its network namespace): the RcvbufErrors of /proc/net/snmp.
     */
    static long udpReceiveBufferErrors() {
        return udpReceiveBufferErrors(read(NETWORK_COUNTERS));
    }

    /** RcvbufErrors from the two "Udp:" lines of /proc/net/snmp, names then values. */
    static long udpReceiveBufferErrors(List<String> snmp) {
        List<String> udp = snmp.stream().filter(line -> line.startsWith("Udp: ")).toList();
        if (udp.size() < 2) {
            throw new IllegalStateException(NETWORK_COUNTERS + " has no Udp: lines");
        }
        List<String> names = List.of(udp.get(0).split("\\s+"));
        String[] values = udp.get(1).split("\\s+");
        int column = names.indexOf("RcvbufErrors");
        if (column < 0) {
            throw new IllegalStateException(NETWORK_COUNTERS + " has no Udp: RcvbufErrors");
        }
        return Long.parseLong(values[column]);
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
