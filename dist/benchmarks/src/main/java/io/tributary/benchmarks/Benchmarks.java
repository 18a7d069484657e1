package io.tributary.benchmarks;

import io.tributary.testkit.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the benchmark cases against one broker it starts and writes {@code results.md} beside its
 * jar.
 *
 * <pre>
 * java -jar tributary-benchmarks.jar [--quick] [--profile] [--cases file,file-defaults,cold-start,isolation,syslog,syslog-udp,syslog-relp,jdbc,jdbc-lag,latency,memory,journald,transforms,connect-file]
 * </pre>
 * {@code --quick}: one run per case at small sizes, for developing the harness; {@code --profile}:
 * flight recordings of every agent run in {@code jfr/}; {@code --cases}: only these cases.
 */
public final class Benchmarks {
    static final List<String> CASES = List.of("file", "file-defaults", "cold-start", "isolation", "syslog", "syslog-udp", "jdbc", "jdbc-lag", "latency", "memory", "journald", "syslog-relp", "transforms", "connect-file");

    /* The broker as in production (both compilers), not the test kit's quick-starting C1-only JVM. */
    private static final List<String> BROKER_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=4", "-Xmx1g");
    static final String BROKER_MAIN_CLASS = "kafka.Kafka";

    private Benchmarks() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("tributary-benchmarks: " + e.getMessage());
            System.err.println("usage: java -jar tributary-benchmarks.jar [--quick] [--profile] [--cases "
                    + String.join(",", CASES) + "]");
            System.exit(1);
            return;
        }
        Path home = home();
        Path workDir = home.resolve("benchmark-work");
        deleteRecursively(workDir);
        Path profileDir = options.profile() ? home.resolve("jfr") : null;
        Report report = new Report();
        Machine machine = Machine.describe();
        Instant started = Instant.now();
        report.describe("Started", started.toString());
        report.describe("Machine", machine.processors() + " processors, " + machine.memory() + " memory, "
                + machine.cpuModel());
        report.describe("Load average (1, 5, 15 min) at start", Machine.loadAverage()
                + " (the machine is shared: figures are ratios to baselines measured right before or after)");
        report.describe("Java", machine.java());
        report.describe("Tributary", Machine.tributaryVersion() + ", commit " + Machine.gitCommit(home));
        report.describe("Kafka", machine.kafka() + " (client, broker, ProducerPerformance, Connect)");
        report.describe("Scale", options.scale().name() + ": " + options.scale().runs() + " run(s) per case, "
                + "figures are medians of runs and ratios medians of the runs' ratios");
        try (KafkaBroker broker = KafkaBroker.start(Topics.BROKER_SETTINGS, BROKER_JVM_OPTIONS)) {
            report.describe("Broker", "one single-node KRaft broker (test kit KafkaBroker), JVM options in effect "
                    + JvmOptions.ofChild(BROKER_MAIN_CLASS).map(jvmOptions -> String.join(" ", jvmOptions))
                            .orElse("unknown (its command line cannot be read)")
                    + " (read from its command line: the test kit's defaults, then the harness's "
                    + String.join(" ", BROKER_JVM_OPTIONS) + "; system properties left out), "
                    + settings(Topics.BROKER_SETTINGS) + " (each run's topic is deleted after it and its files are gone before the "
                    + "next run starts, so that removing them costs no contender CPU while it is measured), "
                    + "topics of one partition with LogAppendTime; throughput = records ÷ time between the first "
                    + "and the last append, so JVM start-up is not counted for any contender");
            report.describe("Agent", "JVM options " + String.join(" ", Agent.PRODUCTION_JVM_OPTIONS)
                    + " (after the test kit's, which they override) and " + environment(Agent.PRODUCTION_ENVIRONMENT)
                    + ", as bin/tributary runs it but with both compilers; producer at Kafka's defaults but for "
                    + "the agent's batch.size " + Agent.PRODUCER_BATCH_BYTES + ", which ProducerPerformance and "
                    + "Connect's producer get too, "
                    + "delivery exactly_once and commit_interval 100ms unless a case says otherwise, file sources "
                    + "with headers: false (the same bytes per record as the baselines)");
            report.describe("Baselines' JVM options", FileThroughputCase.PRODUCER_PERFORMANCE + " "
                    + String.join(" ", FileThroughputCase.PRODUCER_PERFORMANCE_JVM_OPTIONS) + "; "
                    + FileThroughputCase.CONNECT + " " + String.join(" ", FileThroughputCase.CONNECT_JVM_OPTIONS)
                    + " (as Kafka's bin/kafka-producer-perf-test.sh, bin/connect-standalone.sh and "
                    + "bin/kafka-run-class.sh start them); " + JdbcCase.BARE_SCAN + " "
                    + String.join(" ", Agent.PRODUCTION_JVM_OPTIONS) + " (the agent's)");
            Session session = new Session(new Topics(broker), home.resolve("plugins"), workDir, options.scale(),
                    profileDir, Installation.besideHarness(home, workDir));
            createDirectories(workDir);
            if (profileDir != null) {
                createDirectories(profileDir);
            }
            for (String name : options.cases()) {
                System.out.println("[benchmarks] " + name + " (load " + Machine.loadAverage() + ")");
                runCase(name, session, broker, report);
            }
        }
        report.describe("Load average at end", Machine.loadAverage());
        report.describe("Duration", Duration.between(started, Instant.now()).toSeconds() + " s");
        Path results = home.resolve("results.md");
        try {
            Files.writeString(results, report.markdown());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + results, e);
        }
        System.out.println(report.markdown());
        System.out.println("[benchmarks] written to " + results);
        deleteRecursively(workDir);
    }

    /** Broker settings as {@code key=value} pairs, in key order. */
    private static String settings(Map<String, String> settings) {
        return settings.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(setting -> setting.getKey() + "=" + setting.getValue())
                .collect(Collectors.joining(" "));
    }

    private static void runCase(String name, Session session, KafkaBroker broker, Report report) {
        try {
            switch (name) {
                case "file" -> new FileThroughputCase(session, report).run();
                case "file-defaults" -> new FileDefaultsCase(session, report).run();
                case "cold-start" -> new ColdStartCase(session, report).run();
                case "isolation" -> new IsolationCase(session, report).run();
                case "connect-file" -> new FileThroughputCase(session, report).runConnectFile();
                case "syslog" -> new SyslogCase(session, report, SyslogCase.Protocol.TCP).run();
                case "syslog-relp" -> new SyslogCase(session, report, SyslogCase.Protocol.RELP).run();
                case "syslog-udp" -> new UdpLossCase(session, report).run();
                case "jdbc" -> new JdbcCase(session, report).run();
                case "jdbc-lag" -> new JdbcLagCase(session, report).run();
                case "latency" -> new LatencyCase(session, report).run();
                case "memory" -> new MemoryCase(session, broker, report).run();
                case "journald" -> new JournaldCase(session, report).run();
                case "transforms" -> new TransformsCase(session, report).run();
                default -> throw new IllegalArgumentException("unknown case " + name);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            report.add(Row.failed(name, "–", Figures.firstLine(e)));
        }
    }

    /** {@code NAME=value NAME=value}, sorted by name. */
    private static String environment(Map<String, String> variables) {
        return String.join(" ", variables.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(variable -> variable.getKey() + "=" + variable.getValue()).toList());
    }

    /** The folder of this harness's jar (target/), or of its classes when run from an IDE. */
    private static Path home() {
        try {
            Path location = Path.of(Benchmarks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.getParent().toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the harness's jar", e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** The command line, checked. */
    record Options(Scale scale, boolean profile, List<String> cases) {

        static Options parse(String[] args) {
            Scale scale = Scale.FULL;
            boolean profile = false;
            List<String> cases = CASES;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> scale = Scale.QUICK;
                    case "--profile" -> profile = true;
                    case "--cases" -> {
                        if (i + 1 == args.length) {
                            throw new IllegalArgumentException("--cases needs a list, e.g. --cases file,latency");
                        }
                        cases = parseCases(args[++i]);
                    }
                    default -> throw new IllegalArgumentException("unknown option \"" + args[i] + "\"");
                }
            }
            return new Options(scale, profile, cases);
        }

        private static List<String> parseCases(String list) {
            Set<String> cases = new LinkedHashSet<>();
            for (String name : list.split(",")) {
                if (!CASES.contains(name.trim())) {
                    throw new IllegalArgumentException("unknown case \"" + name.trim() + "\" in --cases; the cases are "
                            + String.join(", ", CASES));
                }
                cases.add(name.trim());
            }
            return new ArrayList<>(cases);
        }
    }
}
