package io.tributary.benchmarks;

import io.tributary.testkit.AgentProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Tributary agent in a child JVM, configured and tuned as in production. */
final class Agent implements AutoCloseable {

    /*
     * The JVM options bin/tributary gives the agent (serial collector, 128 MiB heap), with both
     * compilers: the test kit starts the agent with C1 only for quick starts; these undo that.
     */
    /** What bin/tributary exports: glibc's per-thread malloc arenas would otherwise swell the JVM's resident memory. */
    static final Map<String, String> PRODUCTION_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    static final List<String> PRODUCTION_JVM_OPTIONS =
            List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx128m", "-XX:TieredStopAtLevel=4", "-XX:+ExitOnOutOfMemoryError");

    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(45);

    private final AgentProcess process;

    private Agent(AgentProcess process) {
        this.process = process;
    }

    /**
     * Writes {@code agent.yaml} in {@code dir} (the agent section, then {@code sources}) and starts
     * the agent, returning once it logged that it runs.
     *
     * @param agentSettings the {@code agent:} settings besides id, plugins_dir, data_dir and http
     * @param profile       where to write a flight recording of the whole run; null for none
     */
    static Agent start(Session session, Path dir, String id, Map<String, String> agentSettings, String sources,
                       Path profile) {
        StringBuilder yaml = new StringBuilder("agent:\n")
                .append("  id: ").append(id).append('\n')
                .append("  plugins_dir: ").append(session.pluginsDir()).append('\n')
                .append("  data_dir: ").append(dir.resolve("data")).append('\n')
                .append("  http: \"off\"\n");
        agentSettings.forEach((key, value) -> yaml.append("  ").append(key).append(": ").append(value).append('\n'));
        yaml.append("kafka:\n  bootstrap_servers: ").append(session.bootstrapServers()).append('\n');
        yaml.append(sources);
        Path config = dir.resolve("agent.yaml");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        List<String> jvmOptions = new ArrayList<>(PRODUCTION_JVM_OPTIONS);
        if (profile != null) {
            jvmOptions.add("-XX:StartFlightRecording=settings=profile,filename=" + profile);
        }
        AgentProcess process = AgentProcess.start(PRODUCTION_ENVIRONMENT, jvmOptions, "run", "--config", config.toString());
        if (!process.awaitLine(" running ", STARTUP)) {
            process.close();
            throw new IllegalStateException("agent " + id + " did not start; its output is in " + process.outputFile()
                    + ":\n" + tail(process.lines()));
        }
        return new Agent(process);
    }

    long pid() {
        return process.pid();
    }

    /** Stops the agent with SIGTERM, as systemd would, and fails if it does not exit cleanly. */
    void stop() {
        process.sigterm();
        int exitCode = process.waitFor(GRACEFUL_STOP);
        if (exitCode != 0) {
            throw new IllegalStateException("agent exited with code " + exitCode + "; its output is in "
                    + process.outputFile() + ":\n" + tail(process.lines()));
        }
    }

    @Override
    public void close() {
        process.close();
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
