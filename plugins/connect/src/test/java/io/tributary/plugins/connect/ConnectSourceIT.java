package io.tributary.plugins.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.KafkaReader;
import io.tributary.testkit.TestAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unmodified Kafka Connect source connectors in the real agent against a real broker. */
class ConnectSourceIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** SIGKILLs of the agent while a connector ingests: 2 in CI (each costs an agent start), more with -Dtributary.kills. */
    private static final int KILLS = Integer.getInteger("tributary.kills", 2);
    private static final Pattern HTTP_LINE = Pattern.compile("Serving /metrics and /health on (http://\\S+)");
    private static final String SOURCE_UP = "tributary_source_up{source=\"counting\",source_type=\"connect\"}";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestAgent agent(String id, String sources) {
        return agent(id, Map.of("http", "off"), sources);
    }

    private TestAgent agent(String id, Map<String, String> agentSettings, String sources) {
        ConnectPlugins.in(dir.resolve("connect-plugins"));
        return TestAgent.in(dir).plugin(TestAgent.builtPluginZip()).write(id, agentSettings, sources);
    }

    /** {@code /health}'s status code and body. */
    record Health(int status, JsonNode body) {
    }

    private static Health health(String http) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(http + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        return new Health(response.statusCode(), JSON.readTree(response.body()));
    }

    /** One series of {@code /metrics}, named with its labels as Prometheus prints them. */
    private static double metric(String http, String series) throws IOException, InterruptedException {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(http + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(matcher.find()).as("%s in /metrics:%n%s", series, metrics).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    /** Where the agent serves {@code /health} and {@code /metrics}, as it printed it. */
    private static String httpBase(AgentProcess process) {
        return process.lines().stream().map(HTTP_LINE::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("the agent serves no /health" + TestAgent.tail(process)));
    }

    @Test
    void fileStreamSourceConnectorDeliversEveryLineExactlyOnceAcrossSigkills() throws Exception {
        Path input = dir.resolve("input.txt");
        Files.createFile(input);
        int total = 12_000;
        TestAgent agent = agent("connect-file-it", """
                sources:
                  lines:
                    type: connect
                    connector.class: org.apache.kafka.connect.file.FileStreamSourceConnector
                    plugin_path: [connect-plugins]
                    file: %s
                    topic: connect-file-lines
                    batch.size: 500
                    value.converter: org.apache.kafka.connect.storage.StringConverter
                """.formatted(input));
        assertEveryRecordOnceInOrderAcrossKills(agent, "connect-file-lines", total, 500, () -> writeLines(input, total, 1_500));
        String checkpoints = agent.command("checkpoints", "list").output();
        assertThat(checkpoints).contains("{\"filename\":\"" + input + "\"}").contains("position=" + Files.size(input));
    }

    @Test
    void mirrorSourceConnectorCopiesATopicExactlyOnceAcrossSigkills() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        int total = 6_000;
        broker.createTopic("mirror-in", 1, Map.of());
        TestAgent agent = agent("connect-mirror-it", """
                sources:
                  mirror:
                    type: connect
                    connector.class: MirrorSourceConnector
                    plugin_path: [connect-plugins]
                    source.cluster.alias: src
                    target.cluster.alias: dst
                    source.cluster.bootstrap.servers: %1$s
                    target.cluster.bootstrap.servers: %1$s
                    topics: mirror-in
                    replication.factor: 1
                    sync.topic.configs.enabled: false
                    sync.topic.acls.enabled: false
                    emit.offset-syncs.enabled: false
                    key.converter: ByteArrayConverter
                    value.converter: ByteArrayConverter
                    header.converter: ByteArrayConverter
                """.formatted(broker.bootstrapServers()));
        assertEveryRecordOnceInOrderAcrossKills(agent, "src.mirror-in", total, 300, () -> produce(broker, "mirror-in", total, 1_000));
    }

    @Test
    void aTaskThatThrowsInPollRestartsFromTheCommittedOffsetsWithoutLosingOrRepeatingARecord() throws Exception {
        Path counters = Files.writeString(dir.resolve("counters"), "a\n");
        TestAgent agent = agent("connect-fail-it", """
                sources:
                  counting:
                    type: connect
                    connector.class: io.tributary.plugins.connect.fixture.CountingConnector
                    plugin_path: [connect-plugins]
                    topic: connect-failing
                    counters: %s
                    count: 100
                    fail_at: 50
                    fail_marker: %s
                    value.converter: StringConverter
                """.formatted(counters, dir.resolve("failed")));
        try (AgentProcess process = agent.start()) {
            List<String> values = KafkaReader.values(agent.awaitCount(process, "connect-failing", 100, WAIT));
            assertThat(values).containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(n -> "a-" + n).toList());
            assertThat(process.lines()).anyMatch(line -> line.contains("Connect task 0 failed")
                    && line.contains("counter a fails at 50 on purpose"));
            TestAgent.stopGracefully(process);
        }
        assertThat(agent.readAll("connect-failing")).hasSize(100);
    }

    /**
     * A connector's {@code raiseError} (here from its own thread) marks the source down on
     * {@code /health} and {@code tributary_source_up}, and fails it like a task that throws: its
     * connector and tasks restart, with a doubling backoff, from the committed offsets, until the
     * connector no longer raises; then the source is up again and every record is there once.
     */
    @Test
    void aConnectorThatRaisesAnErrorIsDownAndRestartsWithBackoffUntilItStopsRaising() throws Exception {
        Path counters = Files.writeString(dir.resolve("counters"), "a\n");
        Path broken = Files.createFile(dir.resolve("broken"));
        TestAgent agent = agent("connect-raise-it", Map.of("http", "127.0.0.1:0"), """
                sources:
                  counting:
                    type: connect
                    connector.class: Counting
                    plugin_path: [connect-plugins]
                    topic: connect-raised
                    counters: %s
                    count: 100
                    error_while: %s
                    value.converter: StringConverter
                """.formatted(counters, broken));
        String raised = "the connector raised an error: java.lang.RuntimeException: raised on purpose while " + broken + " exists";
        try (AgentProcess process = agent.start()) {
            assertThat(process.awaitLine("Serving /metrics and /health on ", WAIT)).as(TestAgent.tail(process)).isTrue();
            String http = httpBase(process);
            // The second failure's wait shows both the restart and the backoff doubling after the first.
            await().atMost(WAIT).untilAsserted(() -> assertThat(health(http)).isEqualTo(new Health(503, JSON.readTree("""
                    {"status": "down", "producer": {"status": "up"},
                     "sources": {"counting": {"type": "connect", "status": "down",
                                              "problem": "task failed: java.lang.IllegalStateException: %s; restarting in 2s"}}}
                    """.formatted(raised)))));
            assertThat(metric(http, "tributary_source_task_failures_total{source=\"counting\",source_type=\"connect\"}")).isGreaterThanOrEqualTo(2);
            await().atMost(WAIT).untilAsserted(() -> assertThat(metric(http, SOURCE_UP)).isEqualTo(0));

            Files.delete(broken);
            await().atMost(WAIT).untilAsserted(() -> assertThat(health(http)).isEqualTo(new Health(200, JSON.readTree("""
                    {"status": "up", "producer": {"status": "up"}, "sources": {"counting": {"type": "connect", "status": "up"}}}
                    """))));
            assertThat(metric(http, SOURCE_UP)).isEqualTo(1);
            List<String> values = KafkaReader.values(agent.awaitCount(process, "connect-raised", 100, WAIT));
            assertThat(values).containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(n -> "a-" + n).toList());
            TestAgent.stopGracefully(process);
        }
        assertThat(agent.readAll("connect-raised")).hasSize(100);
    }

    @Test
    void newTaskConfigsAtRunTimeRestartTheTasksWhereTheirRecordsWereCommitted() throws Exception {
        Path counters = Files.writeString(dir.resolve("counters"), "a\n");
        TestAgent agent = agent("connect-reconfigure-it", """
                sources:
                  counting:
                    type: connect
                    connector.class: Counting
                    plugin_path: [connect-plugins]
                    tasks_max: 3
                    topic: connect-reconfigured
                    counters: %s
                    count: 400
                    value.converter: StringConverter
                """.formatted(counters));
        try (AgentProcess process = agent.start()) {
            agent.awaitCount(process, "connect-reconfigured", 50, WAIT);
            Files.writeString(counters, "a\nb\n");
            List<String> values = KafkaReader.values(agent.awaitCount(process, "connect-reconfigured", 800, WAIT));
            assertThat(values.stream().filter(v -> v.startsWith("a-")).toList())
                    .containsExactlyElementsOf(IntStream.range(0, 400).mapToObj(n -> "a-" + n).toList());
            assertThat(values.stream().filter(v -> v.startsWith("b-")).toList())
                    .containsExactlyElementsOf(IntStream.range(0, 400).mapToObj(n -> "b-" + n).toList());
            assertThat(process.lines()).anyMatch(line -> line.contains("the connector asked for new task configs; stopping 1 task(s) to start 2"));
            TestAgent.stopGracefully(process);
        }
        assertThat(agent.readAll("connect-reconfigured")).hasSize(800);
    }

    @Test
    void validateReportsTheConnectorsOwnErrorsByKey() {
        TestAgent agent = agent("connect-validate-it", """
                sources:
                  lines:
                    type: connect
                    connector.class: FileStreamSource
                    plugin_path: [connect-plugins]
                    file: /tmp/x
                    batch.size: none
                  nothing:
                    type: connect
                    connector.class: com.example.NoSuchConnector
                    plugin_path: [connect-plugins]
                """);
        AgentProcess.Result result = agent.command("validate");
        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output())
                .contains("sources.lines.batch.size: Invalid value none for configuration batch.size: Not a number of type INT")
                .contains("sources.lines.topic: Missing required configuration \"topic\" which has no default value.")
                .contains("sources.nothing.connector.class: no SourceConnector \"com.example.NoSuchConnector\" in plugin_path");
    }

    /**
     * Runs {@code input} (which makes {@code total} records "line 0", "line 1"... for the connector)
     * while the agent is started and SIGKILLed {@link #KILLS} times, each time once {@code step} more
     * records arrived; then checks the topic holds each record once, in order.
     */
    private static void assertEveryRecordOnceInOrderAcrossKills(TestAgent agent, String topic, int total, int step,
                                                                 Runnable input) throws InterruptedException {
        Thread inputThread = new Thread(input, "connect-it-input");
        inputThread.start();
        try {
            int seen = 0;
            for (int kill = 0; kill < KILLS; kill++) {
                AgentProcess process = agent.start();
                seen = agent.awaitCount(process, topic, seen + step, WAIT).size();
                TestAgent.crash(process);
            }
            inputThread.join();
            try (AgentProcess process = agent.start()) {
                List<String> values = KafkaReader.values(agent.awaitCount(process, topic, total, WAIT));
                assertThat(values).as("every record once, in order, after %d SIGKILLs", KILLS)
                        .containsExactlyElementsOf(IntStream.range(0, total).mapToObj(ConnectSourceIT::line).toList());
                TestAgent.stopGracefully(process);
            }
        } finally {
            inputThread.join();
        }
        assertThat(agent.readAll(topic)).hasSize(total);
    }

    private static String line(int n) {
        return "line " + n;
    }

    /** Appends {@code total} lines at about {@code perSecond}, in batches, flushing each. */
    private static void writeLines(Path file, int total, int perSecond) {
        int batch = perSecond / 10;
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            for (int n = 0; n < total; n++) {
                out.write(line(n) + "\n");
                if ((n + 1) % batch == 0) {
                    out.flush();
                    Thread.sleep(100);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void produce(KafkaBroker broker, String topic, int total, int perSecond) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            int batch = perSecond / 10;
            for (int n = 0; n < total; n++) {
                producer.send(new ProducerRecord<>(topic, line(n)));
                if ((n + 1) % batch == 0) {
                    producer.flush();
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
