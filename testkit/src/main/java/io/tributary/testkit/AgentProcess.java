package io.tributary.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Tributary agent ({@code io.tributary.agent.Main}) in a child JVM, as a user would run
 * {@code tributary ...}, and captures what it prints.
 *
 * <p>The child's class path is this JVM's, so the agent and its logging must be on the test class
 * path. Its stdout and stderr go, merged, to {@link #outputFile()} and to {@link #lines()}. It is
 * killed by {@link #close()} and never outlives the JVM that started it.
 *
 * <pre>{@code
 * try (AgentProcess agent = AgentProcess.start("run", "--config", config.toString())) {
 *     assertThat(agent.awaitLine("started", Duration.ofSeconds(30))).isTrue();
 *     agent.sigterm();
 *     assertThat(agent.waitFor(Duration.ofSeconds(30))).isEqualTo(0);
 * }
 * AgentProcess.Result result = AgentProcess.run(Duration.ofSeconds(30), "validate", "--config", bad.toString());
 * assertThat(result.exitCode()).isEqualTo(1);
 * }</pre>
 */
public final class AgentProcess implements AutoCloseable {

    /** The agent's main class. */
    public static final String MAIN_CLASS = "io.tributary.agent.Main";

    /*
     * C1 only and the serial collector start a JVM faster; tests run the agent briefly and on a
     * small machine, so peak throughput matters less than start time.
     */
    private static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration OUTPUT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final int TAIL_LINES = 40;

    private final Process process;
    private final Path outputFile;
    private final List<String> lines = new ArrayList<>();
    private final Thread outputReader;
    private boolean outputEnded;

    private AgentProcess(Process process, Path outputFile) {
        this.process = process;
        this.outputFile = outputFile;
        this.outputReader = new Thread(this::readOutput, "tributary-agent-output-" + process.pid());
        outputReader.setDaemon(true);
        outputReader.start();
    }

    /** Starts the agent with {@code args}, e.g. {@code "run", "--config", "agent.yaml"}. */
    public static AgentProcess start(String... args) {
        return start(Map.of(), List.of(), args);
    }

    /**
     * Starts the agent with {@code args}.
     *
     * @param environment variables added to this JVM's environment, e.g. for {@code ${NAME}} in configs
     * @param jvmOptions  options for the child JVM, after the defaults ({@code -XX:+UseSerialGC
     *                    -XX:TieredStopAtLevel=1}) so they can override them
     */
    public static AgentProcess start(Map<String, String> environment, List<String> jvmOptions, String... args) {
        return start(MAIN_CLASS, environment, jvmOptions, args);
    }

    /**
     * As {@link #start(Map, List, String...)}, the agent ignoring {@code signals} (such as
     * {@code "HUP"}) as it would when started under nohup.
     */
    public static AgentProcess startIgnoring(Set<String> signals, Map<String, String> environment, List<String> jvmOptions,
                                             String... args) {
        return start(MAIN_CLASS, signals, environment, jvmOptions, args);
    }

    /** Starts another main class the same way: for testing this class without the agent. */
    static AgentProcess start(String mainClass, Map<String, String> environment, List<String> jvmOptions,
                              String... args) {
        return start(mainClass, Set.of(), environment, jvmOptions, args);
    }

    private static AgentProcess start(String mainClass, Set<String> ignoredSignals, Map<String, String> environment,
                                      List<String> jvmOptions, String... args) {
        Path outputFile;
        try {
            outputFile = Files.createTempFile("tributary-agent-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a file for the agent's output", e);
        }
        List<String> options = new ArrayList<>(DEFAULT_JVM_OPTIONS);
        options.addAll(jvmOptions);
        Process process = ChildJvm.start(options, environment, ignoredSignals, mainClass, Arrays.asList(args),
                ProcessBuilder.Redirect.PIPE);
        return new AgentProcess(process, outputFile);
    }

    /**
     * Runs a short command such as {@code validate} to its end.
     *
     * @throws IllegalStateException when it runs longer than {@code timeout} (it is killed), with
     *                               the last lines it printed
     */
    public static Result run(Duration timeout, String... args) {
        return run(MAIN_CLASS, timeout, args);
    }

    /** Runs another main class the same way: for testing this class without the agent. */
    static Result run(String mainClass, Duration timeout, String... args) {
        try (AgentProcess agent = start(mainClass, Map.of(), List.of(), args)) {
            int exitCode = agent.waitFor(timeout);
            return new Result(exitCode, agent.lines());
        }
    }

    /**
     * Waits until a line containing {@code substring} was printed, also one printed before this call.
     *
     * @return false when none was printed within {@code timeout} or the agent exited without printing one
     */
    public boolean awaitLine(String substring, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (lines.get(checked).contains(substring)) {
                        return true;
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (outputEnded || remaining <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lines, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** Every line printed so far, stdout and stderr merged. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The file that receives everything the agent prints; kept after {@link #close()}. */
    public Path outputFile() {
        return outputFile;
    }

    /**
     * Waits until the agent exited and everything it printed is in {@link #lines()}.
     *
     * @return its exit code: 0 ok, 1 invalid config or input, 2 runtime failure
     * @throws IllegalStateException when it still runs after {@code timeout}, with its last lines
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("agent (pid " + process.pid() + ") still runs after " + timeout
                        + "\n" + tail());
            }
            outputReader.join(OUTPUT_DRAIN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the agent (pid " + process.pid() + ")", e);
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, asking the agent to stop gracefully; returns at once. */
    public void sigterm() {
        // Through the handle: Process.destroy() would also close the pipe and lose the last lines.
        process.toHandle().destroy();
    }

    /** Sends SIGKILL, as a crash would; returns at once. */
    public void sigkill() {
        process.toHandle().destroyForcibly();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Kills the agent if it still runs and waits until its output is read. */
    @Override
    public void close() {
        ChildJvm.kill(process);
        try {
            outputReader.join(OUTPUT_DRAIN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "AgentProcess[pid " + process.pid() + ", output " + outputFile + "]";
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer file = Files.newBufferedWriter(outputFile, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                file.write(line);
                file.write('\n');
                file.flush();
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add("[testkit] reading the agent's output failed: " + e);
            }
        } finally {
            synchronized (lines) {
                outputEnded = true;
                lines.notifyAll();
            }
        }
    }

    private String tail() {
        List<String> all = lines();
        return "last lines of " + outputFile + ":\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - TAIL_LINES), all.size()));
    }

    /**
     * How a command ended.
     *
     * @param exitCode 0 ok, 1 invalid config or input, 2 runtime failure
     * @param lines    everything it printed, stdout and stderr merged
     */
    public record Result(int exitCode, List<String> lines) {
        public Result {
            lines = List.copyOf(lines);
        }

        /** Everything it printed, one line after another. */
        public String output() {
            return String.join("\n", lines);
        }
    }
}
