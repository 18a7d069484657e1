package io.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The real agent as a user runs it, for integration tests: a folder with its {@code agent.yaml} and
 * a {@code plugins/} folder, against a {@link KafkaBroker}, and {@code tributary run}, {@code validate}
 * or {@code checkpoints} on that config in a child JVM.
 *
 * <p>The agent and its logging must be on the test class path (a test dependency on
 * {@code tributary-agent}), as for {@link AgentProcess}. Every failure it raises ends with the last
 * 60 lines the agent printed.
 *
 * <pre>{@code
 * void countsIntoItsTopic(@TempDir Path dir) {  // a JUnit test, in a *IT class that failsafe runs
 *     TestAgent agent = TestAgent.in(dir).plugin(TestAgent.builtPluginZip()).write("counter-it", """
 *             sources:
 *               numbers:
 *                 type: counter
 *                 topic: numbers
 *                 count: 3
 *                 interval: 0s
 *             """);
 *     assertThat(agent.command("validate").exitCode()).isZero();
 *     try (AgentProcess process = agent.start()) {
 *         List<ConsumerRecord<byte[], byte[]>> records = agent.awaitCount(process, "numbers", 3, Duration.ofSeconds(60));
 *         assertThat(KafkaReader.values(records)).containsExactly("hello 0", "hello 1", "hello 2");
 *         TestAgent.stopGracefully(process);
 *     }
 * }
 * }</pre>
 */
public final class TestAgent {

    /** How long {@link #start()} waits for the agent to say it is running. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    /** How long {@link #stopGracefully} waits for the agent to exit after SIGTERM. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

    /** How long a {@link #command} may run. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The system property holding the path of the plugin zip the build made; Tributary's plugin
     * modules set it for their integration tests.
     */
    public static final String PLUGIN_ZIP_PROPERTY = "tributary.plugin.zip";

    /** The agent prints a line with this word once every source started. */
    private static final String RUNNING_LINE = "running";
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m");
    private static final Duration CRASH_TIMEOUT = Duration.ofSeconds(10);
    private static final int OUTPUT_TAIL_LINES = 60;

    private final Path dir;
    private final Path config;
    private final Path pluginsDir;
    private final KafkaBroker broker;
    private String bootstrapServers;
    private Map<String, String> producer = Map.of();

    private TestAgent(Path dir, KafkaBroker broker) {
        this.dir = dir;
        this.config = dir.resolve("agent.yaml");
        this.pluginsDir = dir.resolve("plugins");
        this.broker = broker;
        this.bootstrapServers = broker.bootstrapServers();
        try {
            Files.createDirectories(pluginsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the plugins folder " + pluginsDir, e);
        }
    }

    /** An agent whose config, plugins and data live in {@code dir}, against {@link KafkaBroker#shared()}. */
    public static TestAgent in(Path dir) {
        return new TestAgent(dir, KafkaBroker.shared());
    }

    /** An agent whose config, plugins and data live in {@code dir}, against {@code broker}. */
    public static TestAgent in(Path dir, KafkaBroker broker) {
        return new TestAgent(dir, broker);
    }

    /**
     * The plugin zip the build made, named by the system property {@value #PLUGIN_ZIP_PROPERTY}.
     *
     * @throws IllegalStateException when the property is not set
     */
    public static Path builtPluginZip() {
        String zip = System.getProperty(PLUGIN_ZIP_PROPERTY);
        if (zip == null) {
            throw new IllegalStateException("system property " + PLUGIN_ZIP_PROPERTY
                    + " is not set: run integration tests through failsafe (mvn verify), which sets it to the built plugin zip");
        }
        return Path.of(zip);
    }

    /**
     * Copies a plugin zip or jar (or a plain jar of {@code class:} interceptors) into
     * {@link #pluginsDir()}, replacing one of the same name.
     *
     * @throws IllegalArgumentException when {@code zipOrJar} is no file
     */
    public TestAgent plugin(Path zipOrJar) {
        if (!Files.isRegularFile(zipOrJar)) {
            throw new IllegalArgumentException("no plugin zip or jar at " + zipOrJar);
        }
        try {
            Files.copy(zipOrJar, pluginsDir.resolve(zipOrJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the plugin " + zipOrJar + " into " + pluginsDir, e);
        }
        return this;
    }

    /**
     * Makes the next {@link #write}s give the agent these {@code kafka.bootstrap_servers} instead of
     * the broker's, and these {@code kafka.producer} settings (none by default): for an agent behind
     * {@link KafkaBroker#proxiedBootstrapServers()}, logging in with
     * {@link KafkaBroker#saslClientSettings}, or with short producer timeouts. Tests still read
     * through the broker's own listener.
     *
     * @param producer written in key order, each value as a YAML string
     */
    public TestAgent kafka(String bootstrapServers, Map<String, String> producer) {
        this.bootstrapServers = bootstrapServers;
        this.producer = Map.copyOf(producer);
        return this;
    }

    /** Writes {@code agent.yaml} as {@link #write(String, Map, String)} does, with {@code http: off}. */
    public TestAgent write(String agentId, String rest) {
        return write(agentId, Map.of("http", "off"), rest);
    }

    /**
     * Writes {@code agent.yaml}, replacing what was there: the {@code agent:} section with
     * {@code id: agentId} and {@code agentSettings}, {@code kafka.bootstrap_servers} of the broker
     * (or as {@link #kafka} set it), then {@code rest} verbatim.
     *
     * @param agentSettings the other {@code agent:} settings, such as {@code Map.of("http", "off")},
     *                      written in key order; their values are YAML as written
     * @param rest          the {@code sources:} and {@code interceptors:} sections, each line
     *                      indented as in the file
     * @throws IllegalArgumentException when {@code agentSettings} holds {@code id}
     */
    public TestAgent write(String agentId, Map<String, String> agentSettings, String rest) {
        if (agentSettings.containsKey("id")) {
            throw new IllegalArgumentException("agentSettings hold \"id\"; pass the agent's id as agentId");
        }
        StringBuilder yaml = new StringBuilder("agent:\n  id: ").append(agentId).append('\n');
        new TreeMap<>(agentSettings).forEach((key, value) -> yaml.append("  ").append(key).append(": ").append(value).append('\n'));
        yaml.append("kafka:\n  bootstrap_servers: ").append(bootstrapServers).append('\n');
        if (!producer.isEmpty()) {
            yaml.append("  producer:\n");
            new TreeMap<>(producer).forEach((key, value) ->
                    yaml.append("    ").append(key).append(": '").append(value.replace("'", "''")).append("'\n"));
        }
        yaml.append(rest);
        try {
            Files.writeString(config, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        return this;
    }

    /** Starts {@code tributary run} on the config and waits up to {@link #STARTUP_TIMEOUT} until it is running. */
    public AgentProcess start() {
        return start(STARTUP_TIMEOUT);
    }

    /**
     * Starts {@code tributary run} on the config and returns it once it said it is running.
     *
     * @throws AssertionError when it did not within {@code startupTimeout} (it is killed)
     */
    public AgentProcess start(Duration startupTimeout) {
        return running(AgentProcess.start(Map.of(), JVM_OPTIONS, "run", "--config", config.toString()), startupTimeout);
    }

    /** As {@link #start()}, the agent ignoring {@code signals} (such as {@code "HUP"}) as it would under nohup. */
    public AgentProcess startIgnoring(Set<String> signals) {
        return running(AgentProcess.startIgnoring(signals, Map.of(), JVM_OPTIONS, "run", "--config", config.toString()),
                STARTUP_TIMEOUT);
    }

    private static AgentProcess running(AgentProcess process, Duration startupTimeout) {
        if (!process.awaitLine(RUNNING_LINE, startupTimeout)) {
            process.close();
            throw new AssertionError("the agent was not running within " + startupTimeout + "; it printed:\n" + tail(process));
        }
        return process;
    }

    /**
     * Waits for at least {@code count} committed records in {@code topic} and returns every record
     * read, as {@link KafkaReader#awaitCount} does.
     *
     * @throws AssertionError when fewer arrived within {@code timeout}, with what {@code process} printed last
     */
    public List<ConsumerRecord<byte[], byte[]>> awaitCount(AgentProcess process, String topic, int count, Duration timeout) {
        try {
            return KafkaReader.awaitCount(broker.clientConfig(), topic, count, timeout);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "; the agent printed:\n" + tail(process), e);
        }
    }

    /** Every committed record of {@code topic}, as {@link KafkaReader#readAll} reads it. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return KafkaReader.readAll(broker.clientConfig(), topic);
    }

    /**
     * Runs a short command on the config to its end, such as {@code command("validate")} or
     * {@code command("checkpoints", "list")}.
     *
     * @throws IllegalStateException when it runs longer than {@link #COMMAND_TIMEOUT} (it is killed)
     */
    public AgentProcess.Result command(String... args) {
        String[] withConfig = new String[args.length + 2];
        System.arraycopy(args, 0, withConfig, 0, args.length);
        withConfig[args.length] = "--config";
        withConfig[args.length + 1] = config.toString();
        return AgentProcess.run(COMMAND_TIMEOUT, withConfig);
    }

    /**
     * Sends SIGTERM and waits for a graceful stop.
     *
     * @throws AssertionError when the agent exited with another code than 0
     * @throws IllegalStateException when it still runs after {@link #STOP_TIMEOUT}
     */
    public static void stopGracefully(AgentProcess process) {
        process.sigterm();
        int exitCode = process.waitFor(STOP_TIMEOUT);
        if (exitCode != 0) {
            throw new AssertionError("the agent exited with " + exitCode + " on SIGTERM; it printed:\n" + tail(process));
        }
    }

    /** Sends SIGKILL, as a crash or the OOM killer would, and returns once the process is gone. */
    public static void crash(AgentProcess process) {
        process.sigkill();
        process.waitFor(CRASH_TIMEOUT);
        process.close();
    }

    /** The last 60 lines {@code process} printed, for failure messages. */
    public static String tail(AgentProcess process) {
        List<String> lines = process.lines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - OUTPUT_TAIL_LINES), lines.size()));
    }

    /** The folder holding the config, {@code plugins/} and (by default) {@code data/}. */
    public Path dir() {
        return dir;
    }

    /** The agent's {@code agent.yaml}. */
    public Path config() {
        return config;
    }

    /** The agent's {@code plugins_dir} unless {@code agentSettings} name another; created with this agent. */
    public Path pluginsDir() {
        return pluginsDir;
    }

    public KafkaBroker broker() {
        return broker;
    }
}
