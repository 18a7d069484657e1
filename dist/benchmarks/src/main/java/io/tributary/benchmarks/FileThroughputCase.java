package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.file.FileStreamSourceConnector;

/**
 * Cases 1 and 2: a file of equal lines into Kafka, by Tributary in both delivery modes, by Kafka's
 * own ProducerPerformance (same record size, transactions of the same length), and by Kafka
 * Connect's FileStreamSource in a standalone worker (the same file).
 */
final class FileThroughputCase {
    static final String EXACTLY_ONCE = "Tributary exactly_once";
    static final String AT_LEAST_ONCE = "Tributary at_least_once";
    static final String PRODUCER_PERFORMANCE = "ProducerPerformance";
    static final String CONNECT = "Connect FileStreamSource";
    static final String TRIBUTARY_CONNECT = "Tributary connect FileStreamSource";

    private static final Duration STALL = Duration.ofSeconds(60);
    private static final Duration PRODUCER_PERFORMANCE_TIMEOUT = Duration.ofMinutes(10);
    private static final String COMMIT_INTERVAL_MILLIS = "100";

    /* The heap that Kafka's bin/kafka-producer-perf-test.sh and bin/connect-standalone.sh give them. */
    static final List<String> PRODUCER_PERFORMANCE_JVM_OPTIONS = withKafkaToolOptions("-Xmx512M");
    static final List<String> CONNECT_JVM_OPTIONS = withKafkaToolOptions("-Xms256M", "-Xmx2G");

    private final Session session;
    private final Report report;

    FileThroughputCase(Session session, Report report) {
        this.session = session;
        this.report = report;
    }

    void run() {
        measure(100, session.scale().smallRecords(), 0.6);
        measure(1024, session.scale().largeRecords(), 0.8);
    }

    /**
     * The connect-file case: Kafka's own FileStreamSourceConnector, unmodified, run by Tributary's
     * {@code connect} source (exactly_once) beside the same connector in Connect's standalone worker,
     * on the same file of 100 B lines, both writing the lines as strings.
     */
    void runConnectFile() {
        int recordBytes = 100;
        int records = session.scale().smallRecords();
        Path file = session.workDir().resolve("lines-connect-" + recordBytes + ".log");
        LineFiles.write(file, records, recordBytes);
        Path pluginPath = connectFilePluginPath(session.workDir().resolve("connect-plugins"));
        Figures figures = new Figures();
        for (int run = 1; run <= session.scale().runs(); run++) {
            String suffix = "connect-" + recordBytes + "-r" + run;
            figures.measure(TRIBUTARY_CONNECT, () -> tributaryConnect(file, pluginPath, records, recordBytes, suffix));
            figures.measure(CONNECT, () -> connect(file, records, recordBytes, suffix));
        }
        report.add(figures.compare("FileStreamSourceConnector → Kafka, 100 B: Tributary's connect source vs Connect standalone",
                TRIBUTARY_CONNECT, CONNECT, 1.0, figure -> Throughput.format(figure, recordBytes)));
        deleteFile(file);
    }

    private double tributaryConnect(Path file, Path pluginPath, int records, int recordBytes, String suffix) {
        String name = "tributary-" + suffix;
        String topic = "bench-" + name;
        session.topics().create(topic);
        String sources = """
                sources:
                  lines:
                    type: connect
                    connector.class: org.apache.kafka.connect.file.FileStreamSourceConnector
                    plugin_path: [%s]
                    key.converter: org.apache.kafka.connect.storage.StringConverter
                    value.converter: org.apache.kafka.connect.storage.StringConverter
                    file: %s
                    topic: %s
                """.formatted(pluginPath, file, topic);
        return agentRun(name, topic, Map.of("commit_interval", COMMIT_INTERVAL_MILLIS + "ms"), sources, records, recordBytes);
    }

    /** A Connect plugin path with connect-file's jar in a folder of its own, as a user lays it out. */
    private static Path connectFilePluginPath(Path dir) {
        try {
            Path jar = Path.of(FileStreamSourceConnector.class.getProtectionDomain()
                    .getCodeSource().getLocation().toURI());
            Path folder = Files.createDirectories(dir.resolve("connect-file"));
            Files.copy(jar, folder.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the plugin path " + dir, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate connect-file's jar", e);
        }
    }

    private void measure(int recordBytes, int records, double producerPerformanceTarget) {
        String size = recordBytes == 1024 ? "1 KiB" : recordBytes + " B";
        Path file = session.workDir().resolve("lines-" + recordBytes + ".log");
        LineFiles.write(file, records, recordBytes);
        Figures figures = new Figures();
        for (int run = 1; run <= session.scale().runs(); run++) {
            String suffix = recordBytes + "-r" + run;
            figures.measure(EXACTLY_ONCE, () -> tributary("exactly_once", file, records, recordBytes, suffix));
            figures.measure(AT_LEAST_ONCE, () -> tributary("at_least_once", file, records, recordBytes, suffix));
            figures.measure(PRODUCER_PERFORMANCE, () -> producerPerformance(records, recordBytes, suffix));
            figures.measure(CONNECT, () -> connect(file, records, recordBytes, suffix));
        }
        Figures.Format format = figure -> Throughput.format(figure, recordBytes);
        report.add(figures.compare("1. file → Kafka, exactly_once, " + size + " vs ProducerPerformance",
                EXACTLY_ONCE, PRODUCER_PERFORMANCE, producerPerformanceTarget, format));
        report.add(figures.compare("1. file → Kafka, exactly_once, " + size + " vs Connect",
                EXACTLY_ONCE, CONNECT, 2.0, format));
        if (recordBytes == 1024) {
            report.add(figures.compare("2. exactly_once ÷ at_least_once, " + size + ", 100 ms commits",
                    EXACTLY_ONCE, AT_LEAST_ONCE, 0.95, format));
        }
        deleteFile(file);
    }

    private double tributary(String delivery, Path file, int records, int recordBytes, String suffix) {
        String name = "file-" + delivery.replace('_', '-') + "-" + suffix;
        String topic = "bench-" + name;
        session.topics().create(topic);
        return agentRun(name, topic, Map.of("delivery", delivery, "commit_interval", COMMIT_INTERVAL_MILLIS + "ms"),
                fileSource(topic, file), records, recordBytes);
    }

    /** Runs the agent with {@code sources} (which write {@code records} to {@code topic}, created already) until they arrived. */
    private double agentRun(String name, String topic, Map<String, String> agentSettings, String sources, int records,
                            int recordBytes) {
        try (Agent agent = Agent.start(session, session.runDir(name), "bench-" + name, agentSettings, sources,
                session.profile(name))) {
            Delivery delivered = session.topics().await(topic, records, STALL);
            agent.stop();
            return noteRun(name, delivered, records, recordBytes);
        } finally {
            session.topics().delete(topic);
        }
    }

    /** The sources: section of a file source reading {@code file} from its beginning into {@code topic}, without headers. */
    static String fileSource(String topic, Path file) {
        return Installation.defaultFileSource(topic, file) + """
                    read_from: beginning
                    headers: false
                """;
    }

    double producerPerformance(int records, int recordBytes, String suffix) {
        String name = "producer-performance-" + suffix;
        String topic = "bench-" + name;
        session.topics().create(topic);
        try (Child child = Child.java(PRODUCER_PERFORMANCE, session.runDir(name).resolve("output.log"),
                PRODUCER_PERFORMANCE_JVM_OPTIONS, "org.apache.kafka.tools.ProducerPerformance", List.of(
                        "--topic", topic,
                        "--num-records", Integer.toString(records),
                        "--record-size", Integer.toString(recordBytes),
                        "--throughput", "-1",
                        "--transactional-id", "bench-" + name,
                        "--transaction-duration-ms", COMMIT_INTERVAL_MILLIS,
                        "--producer-props", "batch.size=" + Agent.PRODUCER_BATCH_BYTES,
                        "--bootstrap-server", session.bootstrapServers()));
             ResidentMemory.Watch memory = ResidentMemory.watch(child.pid())) {
            child.awaitSuccess(PRODUCER_PERFORMANCE_TIMEOUT);
            double rate = noteRun(name, session.topics().await(topic, records, STALL), records, recordBytes);
            report.run(String.format("%s: peak RSS %,d MiB (its VmHWM read every 100 ms)", name,
                    memory.peakKiB() / 1024));
            return rate;
        } finally {
            session.topics().delete(topic);
        }
    }

    private double connect(Path file, int records, int recordBytes, String suffix) {
        String name = "connect-" + suffix;
        String topic = "bench-" + name;
        Path dir = session.runDir(name);
        Path worker = dir.resolve("worker.properties");
        Path connector = dir.resolve("connector.properties");
        try {
            Files.writeString(worker, String.join("\n",
                    "bootstrap.servers=" + session.bootstrapServers(),
                    "key.converter=org.apache.kafka.connect.storage.StringConverter",
                    "value.converter=org.apache.kafka.connect.storage.StringConverter",
                    "offset.storage.file.filename=" + dir.resolve("connect.offsets"),
                    "offset.flush.interval.ms=" + COMMIT_INTERVAL_MILLIS,
                    "producer.batch.size=" + Agent.PRODUCER_BATCH_BYTES,
                    "listeners=http://127.0.0.1:" + freePort(),
                    ""));
            Files.writeString(connector, String.join("\n",
                    "name=" + name,
                    "connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector",
                    "tasks.max=1",
                    "file=" + file,
                    "topic=" + topic,
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Connect configs in " + dir, e);
        }
        session.topics().create(topic);
        try (Child child = Child.java(CONNECT, dir.resolve("output.log"), CONNECT_JVM_OPTIONS,
                "org.apache.kafka.connect.cli.ConnectStandalone", List.of(worker.toString(), connector.toString()))) {
            Delivery delivery;
            try {
                delivery = session.topics().await(topic, records, STALL);
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "; " + child.logTail(), e);
            }
            return noteRun(name, delivery, records, recordBytes);
        } finally {
            session.topics().delete(topic);
        }
    }

    /**
     * Notes a run's figures below the table and returns its throughput.
     *
     * @throws IllegalStateException when the topic holds another count than the lines of the file:
     *                               a repeated or missing record makes the throughput wrong, at least
     *                               once or not
     */
    private double noteRun(String name, Delivery delivery, int expected, int recordBytes) {
        if (delivery.records() != expected) {
            throw new IllegalStateException(name + " delivered " + delivery.records() + " records, expected " + expected);
        }
        report.run(String.format("%s: %s, %d records in %.2f s between first and last append; load %s",
                name, Throughput.format(delivery.recordsPerSecond(), recordBytes), delivery.records(),
                (delivery.lastAppendMillis() - delivery.firstAppendMillis()) / 1000.0, Machine.loadAverage()));
        return delivery.recordsPerSecond();
    }

    private static List<String> withKafkaToolOptions(String... heapOptions) {
        List<String> options = new ArrayList<>(List.of(heapOptions));
        options.addAll(Child.KAFKA_TOOL_JVM_OPTIONS);
        return List.copyOf(options);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static void deleteFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
