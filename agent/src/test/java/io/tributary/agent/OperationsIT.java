package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.KafkaReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health and /metrics, a broker outage, and at_least_once, against a real broker. */
class OperationsIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final HttpClient http = HttpClient.newHttpClient();
    /** How long the broker stays down; the faults-long profile makes it the 30 s. */
    private static final Duration OUTAGE = Duration.ofSeconds(Integer.getInteger("tributary.outage.seconds", 10));

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A gauge without tags from /metrics. */
    private static double gauge(int port, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(get(port, "/metrics").body());
        assertThat(matcher.find()).as("gauge %s on /metrics", name).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static List<String> expected(long count) {
        return LongStream.range(0, count).mapToObj(n -> "record-" + n).collect(Collectors.toList());
    }

    @Test
    void healthAndMetricsFollowABrokerOutageTheAgentRecoversAndNothingIsLostOrRepeated() throws Exception {
        int port = freePort();
        try (KafkaBroker broker = KafkaBroker.start()) {
            // 100 records of ~40 bytes each 10 ms: the 1 MiB bound fills within seconds of the outage.
            AgentFixture fixture = AgentFixture.in(dir, broker).write("outage",
                    Map.of("http", "127.0.0.1:" + port, "max_in_flight_bytes", "1MiB"), """
                    sources:
                      numbers:
                        type: sequence
                        topic: outage
                        count: 100000
                        per_poll: 100
                        pause_per_poll: 10ms
                    """);
            try (AgentProcess agent = fixture.start()) {
                await().atMost(WAIT).until(() -> get(port, "/health").statusCode() == 200);
                assertThat(get(port, "/health").body()).contains("\"status\":\"up\"", "\"numbers\":{\"type\":\"sequence\",\"status\":\"up\"}");
                fixture.awaitCount(agent, "outage", 2000, WAIT);
                assertThat(get(port, "/metrics").body())
                        .contains("tributary_source_records_total{source=\"numbers\",source_type=\"sequence\"}")
                        .contains("tributary_transactions_total{outcome=\"committed\"}")
                        .contains("tributary_source_in_flight_records{source=\"numbers\",source_type=\"sequence\"}");

                broker.stop();
                await().atMost(WAIT).until(() -> get(port, "/health").statusCode() == 503);
                assertThat(get(port, "/health").body()).contains("\"producer\":{\"status\":\"down\"");
                // The source is paused at the bound: what is in flight reaches it and stays there.
                await().atMost(WAIT).until(() -> gauge(port, "tributary_in_flight_bytes") > (1 << 20) - 64 * 1024);
                double paused = gauge(port, "tributary_in_flight_bytes");
                assertThat(paused).isLessThanOrEqualTo(gauge(port, "tributary_in_flight_max_bytes")).isEqualTo(1 << 20, within(64.0 * 1024));
                await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).until(() -> get(port, "/health").statusCode() == 503
                        && gauge(port, "tributary_in_flight_bytes") == paused);
                broker.restart();
                await().atMost(Duration.ofSeconds(20)).until(() -> get(port, "/health").statusCode() == 200);

                fixture.awaitCount(agent, "outage", 100000, WAIT);
                agent.sigterm();
                assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
            }
            assertThat(KafkaReader.values(KafkaReader.readAll(broker.bootstrapServers(), "outage")))
                    .containsExactlyElementsOf(expected(100000));
        }
    }

    @Test
    void metricsShowTheAgentsOwnGarbageCollectionUptimeClassesAndOpenFiles() throws Exception {
        int port = freePort();
        AgentFixture fixture = AgentFixture.in(dir).write("jvm", Map.of("http", "127.0.0.1:" + port), """
                sources:
                  numbers:
                    type: sequence
                    topic: jvm
                    count: 100
                """);
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "jvm", 100, WAIT);
            await().atMost(WAIT).until(() -> get(port, "/health").statusCode() == 200);

            assertThat(gauge(port, "process_uptime_seconds")).isPositive();
            assertThat(gauge(port, "process_start_time_seconds")).isPositive();
            assertThat(gauge(port, "jvm_classes_loaded_classes")).isGreaterThan(1000);
            assertThat(gauge(port, "jvm_classes_unloaded_classes_total")).isNotNegative();
            // The agent inherits this JVM's limit, as the service's LimitNOFILE sets it for the agent.
            assertThat(gauge(port, "process_files_max_files")).isEqualTo(maxOpenFiles());
            assertThat(gauge(port, "process_files_open_files")).isBetween(10.0, gauge(port, "process_files_max_files"));
            assertThat(gauge(port, "jvm_gc_max_data_size_bytes")).isPositive();
            assertThat(gauge(port, "jvm_gc_memory_allocated_bytes_total")).isPositive();
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
        }
    }

    private static double maxOpenFiles() throws IOException {
        Matcher limit = Pattern.compile("(?m)^Max open files\\s+(\\d+)").matcher(Files.readString(Path.of("/proc/self/limits")));
        assertThat(limit.find()).isTrue();
        return Double.parseDouble(limit.group(1));
    }

    @Test
    void atLeastOnceResumesAfterAKillFromACheckpointNoFurtherThanWhatKafkaHad() {
        AgentFixture fixture = AgentFixture.in(dir).write("alo", Map.of("http", "off", "delivery", "at_least_once"), """
                sources:
                  numbers:
                    type: sequence
                    topic: alo
                    count: 60000
                    per_poll: 200
                """);
        String bootstrap = fixture.broker.bootstrapServers();
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "alo", 10000, WAIT);
            agent.sigkill();
            agent.waitFor(Duration.ofSeconds(10));
        }
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "alo", 60000, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
        }
        // The first run wrote 0..k-1; the second resumed at its checkpoint j, acknowledged before the
        // kill, so j <= k: what it repeats is k - j records, and nothing is missing or out of order.
        List<String> values = KafkaReader.values(KafkaReader.readAll(bootstrap, "alo"));
        int resumedAt = resumption(values);
        int firstRun = values.size() - (60000 - resumedAt);
        assertThat(firstRun).as("records of the first run").isGreaterThanOrEqualTo(Math.max(10000, resumedAt));
        assertThat(values.subList(0, firstRun)).containsExactlyElementsOf(expected(firstRun));
        assertThat(values.subList(firstRun, values.size())).containsExactlyElementsOf(expected(60000).subList(resumedAt, 60000));
    }

    /** The number the second run started at: the first value that is not one more than the one before. */
    private static int resumption(List<String> values) {
        for (int i = 1; i < values.size(); i++) {
            if (!values.get(i).equals("record-" + (Long.parseLong(values.get(i - 1).substring("record-".length())) + 1))) {
                return Integer.parseInt(values.get(i).substring("record-".length()));
            }
        }
        return values.size();
    }
}
