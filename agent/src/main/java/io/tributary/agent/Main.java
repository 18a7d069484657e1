package io.tributary.agent;

import io.tributary.agent.checkpoint.CheckpointCodec;
import io.tributary.agent.checkpoint.CheckpointKey;
import io.tributary.agent.checkpoint.CheckpointStore;
import io.tributary.agent.checkpoint.CheckpointStoreException;
import io.tributary.agent.checkpoint.CheckpointsUnusableException;
import io.tributary.agent.checkpoint.PositionText;
import io.tributary.agent.config.AgentConfig;
import io.tributary.agent.config.ConfigLoader;
import io.tributary.agent.config.LoadResult;
import io.tributary.agent.logging.Logging;
import io.tributary.agent.plugin.PluginRegistry;
import io.tributary.api.Position;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code tributary}: the command line. Exit codes: 0 ok, 1 invalid config or input, 2 runtime failure. */
@Command(name = "tributary", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A pluggable ingestion agent for Apache Kafka.",
        subcommands = {Main.Run.class, Main.Validate.class, Main.Plugins.class, Main.Checkpoints.class})
public final class Main implements Runnable {
    static final int OK = 0;
    static final int INVALID = 1;
    static final int FAILED = 2;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        StartupTimes.mainEntered();
        if (args.length > 0 && (args[0].equals("run") || args[0].equals("validate"))) {
            Preinitializer.start();
        }
        System.exit(execute(args));
    }

    static int execute(String... args) {
        WithConfig direct = withConfigOnly(args);
        if (direct != null) {
            try {
                return direct.call();
            } catch (Exception e) {
                return failed(e, direct.err());
            }
        }
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("tributary: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return INVALID;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> failed(e, cmd.getErr()));
        return commandLine.execute(args);
    }

    /**
     * {@code run} or {@code validate} with its config file and nothing else (the service's command
     * line, and the check before it), made without picocli: building its model of every command
     * takes 150 to 250 ms of a start that should take a second, as its classes are Java 5 class
     * files, which class-data sharing cannot archive. Any other command line, and any mistake in
     * these, goes through picocli and its messages. Null when it is not such a command line.
     */
    static WithConfig withConfigOnly(String... args) {
        WithConfig command;
        if (args.length == 0) {
            return null;
        } else if (args[0].equals("run")) {
            command = new Run();
        } else if (args[0].equals("validate")) {
            command = new Validate();
        } else {
            return null;
        }
        String file = null;
        if (args.length == 3 && (args[1].equals("--config") || args[1].equals("-c"))) {
            file = args[2];
        } else if (args.length == 2 && args[1].startsWith("--config=")) {
            file = args[1].substring("--config=".length());
        }
        if (file == null || file.isEmpty() || file.startsWith("-")) {
            return null;
        }
        command.config = Path.of(file);
        return command;
    }

    private static int failed(Exception e, PrintWriter err) {
        boolean explained = e instanceof AgentException || e instanceof CheckpointsUnusableException
                || e instanceof CheckpointStoreException;
        err.println("tributary: " + (explained ? e.getMessage() : e.toString()));
        return FAILED;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Map<String, String> environment() {
        return System.getenv();
    }

    /** Shared by the commands that read a config file. */
    abstract static class WithConfig implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the agent's YAML config file")
        Path config;

        @Spec
        CommandLine.Model.CommandSpec spec;
        /* Without picocli ({@link #withConfigOnly}), the standard streams, flushed as picocli's are. */
        private PrintWriter out;
        private PrintWriter err;

        PrintWriter out() {
            if (spec != null) {
                return spec.commandLine().getOut();
            }
            if (out == null) {
                out = new PrintWriter(System.out, true);
            }
            return out;
        }

        PrintWriter err() {
            if (spec != null) {
                return spec.commandLine().getErr();
            }
            if (err == null) {
                err = new PrintWriter(System.err, true);
            }
            return err;
        }

        /** Prepares the config, printing every error; null when there was any. */
        Preparation prepareOrReport() {
            return prepareOrReport(false);
        }

        /** Reads the config file without plugins, printing its errors; null when there was any. */
        AgentConfig loadOrReport() {
            LoadResult loaded = ConfigLoader.load(config, environment());
            if (!loaded.errors().isEmpty()) {
                loaded.errors().forEach(err()::println);
                return null;
            }
            return loaded.config();
        }

        static CheckpointStore checkpointStore(AgentConfig agentConfig) {
            return new CheckpointStore(KafkaClients.connectionConfig(agentConfig), agentConfig.agent().offsetsTopic(),
                    agentConfig.agent().id());
        }

        Preparation prepareOrReport(boolean checkOutside) {
            Preparation prepared = Preparation.prepare(config, environment(), checkOutside, null);
            if (prepared.plugins != null) {
                prepared.plugins.problems().forEach(problem -> err().println(config + ": warning: " + problem));
            }
            if (prepared.config != null) {
                String producerProblem = KafkaClients.checkProducerConfig(prepared.config);
                if (producerProblem != null) {
                    prepared.errors.add(config + ": kafka.producer: " + producerProblem);
                }
            }
            if (!prepared.ok()) {
                prepared.errors.forEach(err()::println);
                err().println(prepared.errors.size() + (prepared.errors.size() == 1 ? " error" : " errors") + " in " + config);
                prepared.close();
                return null;
            }
            return prepared;
        }
    }

    @Command(name = "run", description = "Run the agent in the foreground until SIGTERM or SIGINT.")
    static final class Run extends WithConfig implements Callable<Integer> {
        @Override
        public Integer call() {
            StartupTimes startup = StartupTimes.ofThisProcess();
            long preparing = startup.now();
            Preparation prepared = prepareOrReport();
            if (prepared == null) {
                return INVALID;
            }
            startup.finished("config and plugins", preparing);
            try (prepared) {
                long applying = startup.now();
                Logging.apply(prepared.config.logging());
                NativeCodecs.unpackUnder(prepared.config.agent().dataDir());
                startup.finished("logging and native codecs", applying);
                Agent agent = new Agent(prepared, startup);
                // Handled, not left to the JVM's shutdown: a graceful stop ends with exit code 0, not 143.
                for (String signal : new String[] {"TERM", "INT"}) {
                    Signal.handle(new Signal(signal), received -> agent.requestStop());
                }
                if (Signal.handle(new Signal("HUP"), received -> agent.requestReload()) == SignalHandler.SIG_IGN) {
                    // A JVM never takes over a signal its process inherited as ignored: the handler is not installed.
                    LoggerFactory.getLogger(Main.class).warn("SIGHUP is ignored in this process, as under nohup, so "
                            + "`kill -HUP` cannot reload {}: start the agent with bin/tributary, which restores SIGHUP, "
                            + "or restart it to apply a changed config", config);
                }
                return agent.run();
            }
        }
    }

    @Command(name = "validate", description = "Load plugins and check the whole config file; print every error.")
    static final class Validate extends WithConfig implements Callable<Integer> {
        @Override
        public Integer call() {
            Preparation prepared = prepareOrReport(true);
            if (prepared == null) {
                return INVALID;
            }
            try (prepared) {
                out().println(config + ": valid (" + prepared.sources.size() + " source(s), "
                        + prepared.interceptors.size() + " interceptor(s))");
                return OK;
            }
        }
    }

    @Command(name = "plugins", description = "List the loaded plugins and the source and interceptor types they offer.")
    static final class Plugins extends WithConfig implements Callable<Integer> {
        @Override
        public Integer call() {
            AgentConfig agentConfig = loadOrReport();
            if (agentConfig == null) {
                return INVALID;
            }
            try (PluginRegistry plugins = PluginRegistry.load(agentConfig.agent().pluginsDir(),
                    agentConfig.agent().dataDir().resolve("plugins"))) {
                out().printf("%-20s %-16s %-10s %-28s %s%n", "PLUGIN", "VERSION", "STATE", "SOURCE TYPES", "INTERCEPTOR TYPES");
                for (PluginRegistry.PluginInfo plugin : plugins.plugins()) {
                    out().printf("%-20s %-16s %-10s %-28s %s%n", plugin.id(), plugin.version(), plugin.state(),
                            String.join(",", plugin.sourceTypes()), String.join(",", plugin.interceptorTypes()));
                }
                plugins.problems().forEach(problem -> err().println("warning: " + problem));
                return OK;
            }
        }
    }

    @Command(name = "checkpoints", description = "Show, set or reset committed checkpoints.",
            subcommands = {Checkpoints.ListCheckpoints.class, Checkpoints.SetCheckpoint.class, Checkpoints.Reset.class})
    static final class Checkpoints implements Runnable {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        /**
         * Writes checkpoints of {@code source} (a null position forgets the stream) in one transaction
         * with the agent's transactional.id, which fences a running agent, as Kafka Connect's offsets
         * API wants its connector stopped.
         */
        static void write(AgentConfig agentConfig, String source, Map<String, Position> streams) {
            NativeCodecs.unpackUnder(agentConfig.agent().dataDir());
            String agentId = agentConfig.agent().id();
            Map<String, Object> props = new HashMap<>(KafkaClients.producerConfig(agentConfig, List.of(), null));
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, KafkaClients.transactionalId(agentId));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                streams.forEach((stream, position) -> producer.send(new ProducerRecord<>(agentConfig.agent().offsetsTopic(),
                        CheckpointCodec.encodeKey(new CheckpointKey(agentId, source, stream)),
                        position == null ? null : CheckpointCodec.encodeValue(position))));
                producer.commitTransaction();
            }
        }

        @Command(name = "list", description = "Print the committed checkpoints of every source and stream of this agent, "
                + "positions as checkpoints set takes them.")
        static final class ListCheckpoints extends WithConfig implements Callable<Integer> {
            @Override
            public Integer call() {
                AgentConfig agentConfig = loadOrReport();
                if (agentConfig == null) {
                    return INVALID;
                }
                Map<String, Map<String, Position>> checkpoints = checkpointStore(agentConfig).load(Duration.ofSeconds(30));
                out().printf("%-24s %-40s %s%n", "SOURCE", "STREAM", "POSITION");
                checkpoints.forEach((source, streams) -> streams.forEach((stream, position) ->
                        out().printf("%-24s %-40s %s%n", source, stream, PositionText.format(position))));
                return OK;
            }
        }

        @Command(name = "set", description = "Set where a stream of a source goes on from at the agent's next start. Run it "
                + "with the agent stopped: it uses the agent's transactional.id and fences a running agent.")
        static final class SetCheckpoint extends WithConfig implements Callable<Integer> {
            @Option(names = "--source", required = true, paramLabel = "NAME", description = "a source of the config file")
            String source;

            @Option(names = "--stream", required = true, paramLabel = "STREAM", description = "the stream, as checkpoints list prints it")
            String stream;

            @Option(names = "--position", required = true, paramLabel = "NAME=VALUE[,NAME=VALUE...]",
                    description = "the position, as checkpoints list prints it (\\ before a \\, \",\" or \"=\" in a value)")
            String positionText;

            @Override
            public Integer call() {
                AgentConfig agentConfig = loadOrReport();
                if (agentConfig == null) {
                    return INVALID;
                }
                if (!agentConfig.sources().containsKey(source)) {
                    err().println("tributary: " + config + " has no source \"" + source + "\"; its sources: "
                            + String.join(", ", agentConfig.sources().keySet()));
                    return INVALID;
                }
                Position position;
                try {
                    position = PositionText.parse(positionText);
                } catch (IllegalArgumentException invalid) {
                    err().println("tributary: --position " + invalid.getMessage());
                    return INVALID;
                }
                Position current = checkpointStore(agentConfig).load(Duration.ofSeconds(30))
                        .getOrDefault(source, Map.of()).get(stream);
                // The source reads its fields by name: a misspelt one would stop it at its next start.
                if (current != null && !current.fields().keySet().equals(position.fields().keySet())) {
                    err().println("tributary: --position must name the fields of the checkpoint of source " + source
                            + " stream " + stream + ", " + String.join(", ", current.fields().keySet()) + " (now "
                            + PositionText.format(current) + "), got " + String.join(", ", position.fields().keySet()));
                    return INVALID;
                }
                write(agentConfig, source, Map.of(stream, position));
                out().println("set the checkpoint of source " + source + " stream " + stream + " to "
                        + PositionText.format(position) + (current == null ? " (it had none)" : " (was " + PositionText.format(current) + ")"));
                return OK;
            }
        }

        @Command(name = "reset", description = "Forget a source's checkpoints, so it starts over. Run it with the agent stopped: "
                + "it uses the agent's transactional.id and fences a running agent.")
        static final class Reset extends WithConfig implements Callable<Integer> {
            @Option(names = "--source", required = true, paramLabel = "NAME", description = "the source whose checkpoints to forget")
            String source;

            @Override
            public Integer call() {
                AgentConfig agentConfig = loadOrReport();
                if (agentConfig == null) {
                    return INVALID;
                }
                Map<String, Position> streams = checkpointStore(agentConfig).load(Duration.ofSeconds(30)).getOrDefault(source, Map.of());
                if (streams.isEmpty()) {
                    out().println("source " + source + " has no committed checkpoints; nothing to reset");
                    return OK;
                }
                Map<String, Position> forgotten = new HashMap<>();
                streams.keySet().forEach(stream -> forgotten.put(stream, null));
                write(agentConfig, source, forgotten);
                out().println("forgot " + streams.size() + " checkpoint(s) of source " + source);
                return OK;
            }
        }
    }

    /** The version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties props = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    props.load(in);
                }
            }
            return new String[] {"tributary " + props.getProperty("version", "unknown"),
                    "Kafka client " + org.apache.kafka.common.utils.AppInfoParser.getVersion(),
                    "Java " + System.getProperty("java.version")};
        }
    }
}
