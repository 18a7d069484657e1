package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A baseline's process (a JVM with this harness's class path, or rsyslogd), its output in a log
 * file; it never outlives the harness.
 */
final class Child implements AutoCloseable {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final int LOG_TAIL_LINES = 20;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> RUNNING.forEach(process -> process.toHandle().destroyForcibly()), "benchmark-child-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private Child(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /*
     * What Kafka's bin/kafka-run-class.sh gives every Kafka tool after its heap options: the options
     * ProducerPerformance and Connect run with when started by Kafka's own scripts.
     */
    static final List<String> KAFKA_TOOL_JVM_OPTIONS = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

    /** Runs {@code mainClass} in a JVM (this one's) with this JVM's class path and {@code jvmOptions}. */
    static Child java(String name, Path log, List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return start(name, log, command);
    }

    static Child start(String name, Path log, List<String> command) {
        return start(name, log, command, Map.of());
    }

    /** Like {@link #start(String, Path, List)}, with {@code environment} added to this process's. */
    static Child start(String name, Path log, List<String> command, Map<String, String> environment) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            return new Child(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + String.join(" ", command) + ")", e);
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * The pid of the JVM this child runs: its own when it is one (a script that ends in {@code exec
     * java}), else its first descendant that is; its own when none is, e.g. rsyslogd.
     */
    long jvmPid() {
        ProcessHandle handle = process.toHandle();
        if (isJava(handle)) {
            return handle.pid();
        }
        return handle.descendants().filter(Child::isJava).findFirst().orElse(handle).pid();
    }

    private static boolean isJava(ProcessHandle handle) {
        return handle.info().command().map(command -> command.endsWith("/java")).orElse(false);
    }

    /** The first line of its log that contains {@code text}, if it printed one yet. */
    Optional<String> lineContaining(String text) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(line -> line.contains(text)).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /**
     * Stops the process with SIGTERM, as systemd would, and waits for it to exit.
     *
     * @throws IllegalStateException when it does not exit within {@code timeout} or exits with an error
     */
    void stopGracefully(Duration timeout) {
        process.toHandle().destroy();
        awaitSuccess(timeout);
    }

    /**
     * Waits for the process to exit by itself.
     *
     * @throws IllegalStateException when it runs longer than {@code timeout} or exits with an error,
     *                               with the end of its log
     */
    void awaitSuccess(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new IllegalStateException(name + " still ran after " + timeout.toSeconds() + " s; " + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; " + logTail());
        }
    }

    /** Fails, with the end of its log, when the process has already exited. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; " + logTail());
        }
    }

    Path log() {
        return log;
    }

    /** Stops the process with SIGTERM, then SIGKILL if it is still there after 10 s. */
    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.toHandle().destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "end of " + log + ":\n" + String.join("\n",
                    lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "its log " + log + " cannot be read: " + e.getMessage();
        }
    }
}
