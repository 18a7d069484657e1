package io.tributary.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.KafkaReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tributary's file and jdbc sources as connectors of a real two-worker Kafka Connect cluster with
 * exactly-once source support, created through the REST API from the built plugin zip: every line
 * and row arrives exactly once while one worker is SIGKILLed and its tasks move to the other. One
 * test, as starting a worker costs tens of seconds.
 */
class DistributedConnectIT {
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int TABLES = 3;
    private static final int ROWS_PER_TABLE = 1_500;
    private static final int LINES_PER_FILE = 3_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /* Kept when a test fails: the workers' logs are what tells why. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void fileAndJdbcSourcesDeliverExactlyOnceWhileAWorkerIsKilledAndItsTasksMoveAndValidateReportsErrorsByKey() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        Path pluginPath = unzip(Path.of(System.getProperty("tributary.connect.zip")), dir.resolve("plugins"));
        String cluster = "tributary-connect-it-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> tables = IntStream.rangeClosed(1, TABLES).mapToObj(n -> "connect_it_" + n).toList();
        createTables(tables);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        List<Path> files = List.of(Files.createDirectories(logs.resolve("a")).resolve("app.log"),
                Files.createDirectories(logs.resolve("b")).resolve("app.log"));
        for (Path file : files) {
            Files.createFile(file);
        }

        try (ConnectWorker first = ConnectWorker.start(dir.resolve("worker-1"), broker.bootstrapServers(), cluster, pluginPath);
             ConnectWorker second = ConnectWorker.start(dir.resolve("worker-2"), broker.bootstrapServers(), cluster, pluginPath)) {
            assertValidateReportsTheSourcesOwnErrorsAtTheirKeys(second);
            first.putConnector("orders", connector("io.tributary.connect.TributarySourceConnector", "jdbc", "connect-it-rows", Map.of(
                    "url", POSTGRES,
                    "user", "postgres",
                    "tables", "[" + String.join(", ", tables) + "]",
                    "mode", "incrementing",
                    "incrementing_column", "id",
                    "poll_interval", "200ms")));
            first.putConnector("app-logs", connector("TributarySourceConnector", "file", "connect-it-lines", Map.of(
                    "include", "[\"" + logs + "/a/*.log\", \"" + logs + "/b/*.log\"]",
                    "read_from", "beginning")));
            Thread rows = start(() -> insertRows(tables));
            Thread lines = start(() -> files.forEach(DistributedConnectIT::writeLines));
            try {
                KafkaReader.awaitCount(broker.bootstrapServers(), "connect-it-rows", 300, WAIT);
                KafkaReader.awaitCount(broker.bootstrapServers(), "connect-it-lines", 300, WAIT);
                String statuses = first.get("/connectors/orders/status") + first.get("/connectors/app-logs/status");
                assertThat(statuses).as("the worker about to be killed runs tasks").contains("\"worker_id\":\"" + first.workerId() + "\"");
                first.kill();
            } finally {
                rows.join();
                lines.join();
            }
            List<ConsumerRecord<byte[], byte[]>> rowRecords = awaitCount(broker, "connect-it-rows", TABLES * ROWS_PER_TABLE, second);
            List<ConsumerRecord<byte[], byte[]>> lineRecords = awaitCount(broker, "connect-it-lines", files.size() * LINES_PER_FILE, second);

            String diagnosis = "offsets topic:\n" + KafkaReader.readAll(broker.bootstrapServers(), cluster + "-offsets").stream()
                    .map(r -> r.offset() + " " + new String(r.key(), StandardCharsets.UTF_8) + " = "
                            + (r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)))
                    .collect(Collectors.joining("\n")) + "\nworker logs: " + first.log() + " " + second.log();
            List<String> rowsSeen = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : rowRecords) {
                JsonNode row = JSON.readTree(record.value());
                rowsSeen.add(row.get("payload").asText());
            }
            List<String> expectedRows = tables.stream().flatMap(t -> IntStream.range(0, ROWS_PER_TABLE).mapToObj(n -> t + "-" + n)).toList();
            assertThat(rowsSeen).as("every row once; " + diagnosis).containsExactlyInAnyOrderElementsOf(expectedRows);
            List<String> expectedLines = List.of("a", "b").stream()
                    .flatMap(f -> IntStream.range(0, LINES_PER_FILE).mapToObj(n -> line(files.get(f.equals("a") ? 0 : 1), n))).toList();
            assertThat(KafkaReader.values(lineRecords)).as("every line once; " + diagnosis).containsExactlyInAnyOrderElementsOf(expectedLines);
            for (String connector : List.of("orders", "app-logs")) {
                // Connect's status topic says so a little after the moved task runs.
                await().atMost(WAIT).untilAsserted(() -> assertThat(JSON.readTree(second.get("/connectors/" + connector + "/status"))
                        .get("tasks")).as(connector + "'s tasks moved to the surviving worker").hasSize(2)
                        .allSatisfy(task -> assertThat(task.get("worker_id").asText()).isEqualTo(second.workerId()))
                        .allSatisfy(task -> assertThat(task.get("state").asText()).isEqualTo("RUNNING")));
            }
            // Settled: nothing more arrives later.
            assertThat(KafkaReader.readAll(broker.bootstrapServers(), "connect-it-rows").size()).as(diagnosis).isEqualTo(TABLES * ROWS_PER_TABLE);
            assertThat(KafkaReader.readAll(broker.bootstrapServers(), "connect-it-lines").size()).as(diagnosis).isEqualTo(files.size() * LINES_PER_FILE);
        }
    }

    /** A connector's config: Connect's keys (2 tasks, bytes as the source made them), the type, topic and the source's settings. */
    /** PUT /connector-plugins/.../config/validate: the source type's own errors, each at its key. */
    private static void assertValidateReportsTheSourcesOwnErrorsAtTheirKeys(ConnectWorker worker) throws Exception {
        Map<String, String> config = connector("TributarySourceConnector", "jdbc", "rows", Map.of(
                "name", "invalid", "url", "postgres://nowhere", "tables", "[orders]", "mode", "sometimes"));
        JsonNode answer = JSON.readTree(worker.put("/connector-plugins/TributarySourceConnector/config/validate", config));
        Map<String, List<String>> errors = new HashMap<>();
        answer.get("configs").forEach(value -> {
            List<String> messages = new ArrayList<>();
            value.get("value").get("errors").forEach(error -> messages.add(error.asText()));
            if (!messages.isEmpty()) {
                errors.put(value.get("value").get("name").asText(), messages);
            }
        });
        assertThat(errors).containsOnlyKeys("url", "mode");
        assertThat(errors.get("url")).containsExactly("must be a JDBC url like jdbc:postgresql://host:5432/database");
        assertThat(errors.get("mode")).containsExactly("must be one of bulk, incrementing, timestamp, timestamp+incrementing, got \"sometimes\"");
    }

    /** A connector's config: Connect's keys (2 tasks, bytes as the source made them), the type, topic and the source's settings. */
    private static Map<String, String> connector(String connectorClass, String type, String topic, Map<String, String> source) {
        Map<String, String> config = new HashMap<>(source);
        config.put("connector.class", connectorClass);
        config.put("tasks.max", "2");
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("tributary.source.type", type);
        config.put("topic", topic);
        return config;
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitCount(KafkaBroker broker, String topic, int count, ConnectWorker worker) {
        try {
            return KafkaReader.awaitCount(broker.bootstrapServers(), topic, count, WAIT);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "; the surviving worker logged:\n" + worker.tail(), e);
        }
    }

    private static Thread start(Runnable work) {
        Thread thread = new Thread(work, "connect-it-input");
        thread.start();
        return thread;
    }

    private static String line(Path file, int n) {
        return file.getParent().getFileName() + " line " + n;
    }

    /** 3,000 lines at about 500 a second, so the kill falls amid the writing. */
    private static void writeLines(Path file) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            for (int n = 0; n < LINES_PER_FILE; n++) {
                out.write(line(file, n) + "\n");
                if ((n + 1) % 50 == 0) {
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

    private static void createTables(List<String> tables) throws SQLException {
        try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", "");
             Statement statement = connection.createStatement()) {
            for (String table : tables) {
                statement.execute("DROP TABLE IF EXISTS " + table);
                statement.execute("CREATE TABLE " + table + " (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)");
            }
        }
    }

    /** 1,500 rows per table in transactions of 25 every 50 ms, so the kill falls amid the inserting. */
    private static void insertRows(List<String> tables) {
        try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", "")) {
            connection.setAutoCommit(false);
            for (int n = 0; n < ROWS_PER_TABLE; n += 25) {
                for (String table : tables) {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (payload) VALUES (?)")) {
                        for (int i = n; i < n + 25; i++) {
                            insert.setString(1, table + "-" + i);
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                }
                connection.commit();
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Unpacks the Connect plugin zip into {@code pluginPath}, as a user unpacks it into plugin.path. */
    private static Path unzip(Path zip, Path pluginPath) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                Path target = pluginPath.resolve(entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target);
                }
            }
        }
        return pluginPath;
    }
}
