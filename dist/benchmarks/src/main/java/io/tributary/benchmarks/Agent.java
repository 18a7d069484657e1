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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/** The Tributary agent in a child JVM, configured and tuned as in production. */
final class Agent implements AutoCloseable {

    /** What bin/tributary exports: glibc's per-thread malloc arenas would otherwise swell the JVM's resident memory. */
    static final Map<String, String> PRODUCTION_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    /**
     * The agent's own default of the producer's batch.size (KafkaClients.DEFAULT_BATCH_SIZE), which
     * the baselines' producers get too, so that all write batches of one size.
     */
    static final int PRODUCER_BATCH_BYTES = 128 * 1024;

    /*
     * The JVM options bin/tributary gives the agent (serial collector, 32 MiB initial and 128 MiB
     * maximum heap: its 512 MiB is only for the quickstart tree's embedded broker, which no case
     * uses; the native heap trimmed every 5 s, as on this Java), and -XX:TieredStopAtLevel=4, both
     * compilers as in production: the test kit starts the agent with C1 only for quick starts, and
     * options given here come after its defaults and win.
     * AgentTest checks these against dist/src/bin/tributary.
     */
    static final List<String> PRODUCTION_JVM_OPTIONS =
            List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx128m", "-XX:+ExitOnOutOfMemoryError",
                    "-XX:TrimNativeHeapInterval=5000", "-XX:TieredStopAtLevel=4");

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
        return start(session, dir, id, agentSettings, Map.of(), sources, profile);
    }

    /**
     * Like {@link #start(Session, Path, String, Map, String, Path)}, with {@code kafka.producer}
     * settings: Kafka's producer config names and values, Kafka's defaults for the rest.
     */
    static Agent start(Session session, Path dir, String id, Map<String, String> agentSettings,
                       Map<String, String> producerSettings, String sources, Path profile) {
        Path config = writeConfig(session, session.pluginsDir(), dir, id, agentSettings, producerSettings, sources);
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

    /**
     * Writes {@code agent.yaml} in {@code dir}: the agent section (its data_dir in {@code dir}, http
     * off unless {@code agentSettings} has it), {@code kafka.producer} settings when there are any,
     * then {@code sources}; returns its path.
     */
    static Path writeConfig(Session session, Path pluginsDir, Path dir, String id, Map<String, String> agentSettings,
                            Map<String, String> producerSettings, String sources) {
        StringBuilder yaml = new StringBuilder("agent:\n")
                .append("  id: ").append(id).append('\n')
                .append("  plugins_dir: ").append(pluginsDir).append('\n')
                .append("  data_dir: ").append(dir.resolve("data")).append('\n');
        if (!agentSettings.containsKey("http")) {
            yaml.append("  http: \"off\"\n");
        }
        agentSettings.forEach((key, value) -> yaml.append("  ").append(key).append(": ").append(value).append('\n'));
        yaml.append("kafka:\n  bootstrap_servers: ").append(session.bootstrapServers()).append('\n');
        if (!producerSettings.isEmpty()) {
            yaml.append("  producer:\n");
            producerSettings.forEach((key, value) -> yaml.append("    ").append(key).append(": \"").append(value)
                    .append("\"\n"));
        }
        yaml.append(sources);
        Path config = dir.resolve("agent.yaml");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        return config;
    }

    /**
     * The producer's {@code buffer.memory} in bytes under {@code producerSettings}: the value set
     * there, else Kafka's default.
     */
    static long bufferMemoryBytes(Map<String, String> producerSettings) {
        String value = producerSettings.get(ProducerConfig.BUFFER_MEMORY_CONFIG);
        Object bytes = value == null
                ? ProducerConfig.configDef().defaultValues().get(ProducerConfig.BUFFER_MEMORY_CONFIG)
                : ConfigDef.parseType(ProducerConfig.BUFFER_MEMORY_CONFIG, value, ConfigDef.Type.LONG);
        return (Long) bytes;
    }

    /**
     * Waits until the agent printed a line containing {@code text}, e.g. that a source listens: the
     * agent says it runs before its sources have started.
     *
     * @throws IllegalStateException when it did not within {@code timeout}, with its last lines
     */
    void awaitLine(String text, Duration timeout) {
        if (!process.awaitLine(text, timeout)) {
            throw new IllegalStateException("agent printed no line with \"" + text + "\" within " + timeout.toSeconds()
                    + " s; its output is in " + process.outputFile() + ":\n" + tail(process.lines()));
        }
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
