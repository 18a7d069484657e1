package io.tributary.plugins.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.testkit.AgentProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The jdbc source in the real agent against PostgreSQL, MariaDB and H2 and a real broker: every
 * mode, concurrent writers with transactions that commit late, repeated SIGKILLs at random moments,
 * {@code validate}, and a driver that does not ship with the plugin.
 */
class JdbcSourceIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BULK_ROWS = 100;
    /** A life of the agent ends after up to this many new timestamp+incrementing records. */
    private static final int KILL_WITHIN_ROWS = 300;

    @TempDir
    Path dir;

    /** Where a test's database is: H2 runs in a file this JVM serves to the agent's (AUTO_SERVER). */
    private String url(Database database) {
        return database == Database.H2 ? "jdbc:h2:file:" + dir.resolve("h2").resolve("test") + ";AUTO_SERVER=TRUE" : database.url;
    }

    private Connection connect(Database database) throws SQLException {
        return DriverManager.getConnection(url(database), database.user, "");
    }

    private void execute(Database database, String sql) throws SQLException {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** A source entry under {@code sources:}, reading {@code table} of {@code database}. */
    private String source(Database database, String name, String topic, String table, String modeSettings) {
        return """
                  %s:
                    type: jdbc
                    topic: %s
                    url: "%s"
                    user: %s
                    table: %s
                %s""".formatted(name, topic, url(database), database.user, table, modeSettings.indent(4));
    }

    /**
     * What every mode but bulk needs on {@code database}: H2 shows no open transactions, and stamps
     * a transaction's rows with its start, up to {@link ConcurrentWriters#HOLD_OPEN} before it commits.
     */
    private static String lateCommits(Database database) {
        return database == Database.H2 ? "timestamp_delay: 3s\n" : "";
    }

    /**
     * The agent is killed {@code tributary.kills} times (3, 20 with the faults-long profile) at
     * random moments while writers keep writing: after a random number of new rows reached Kafka,
     * so each life reads something and dies anywhere in a poll, a transaction or a commit.
     */
    @ParameterizedTest
    @EnumSource(Database.class)
    void everyModeDeliversEveryRowsFinalVersionOnceWhileWritersRaceAndTheAgentIsKilledAtRandomMoments(Database database)
            throws Exception {
        int kills = Integer.getInteger("tributary.kills", 3);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String killed = "after " + kills + " kills at random moments (seed " + seed + ")";
        String name = database.name().toLowerCase();
        String rows = "jdbc_it_rows_" + ProcessHandle.current().pid();
        String bulkRows = "jdbc_it_bulk_" + ProcessHandle.current().pid();
        String topic = "jdbc-it." + name + ".";
        // Keeps H2's file database open, and served, for the whole test.
        try (Connection anchor = connect(database)) {
            execute(database, "DROP TABLE IF EXISTS " + rows);
            execute(database, "DROP TABLE IF EXISTS " + bulkRows);
            execute(database, "CREATE TABLE " + rows + " (" + database.columns + ", version INT DEFAULT 0 NOT NULL)");
            execute(database, "CREATE TABLE " + bulkRows + " (" + database.columns + ")");
            for (int i = 1; i <= BULK_ROWS; i++) {
                execute(database, "INSERT INTO " + bulkRows + " (name) VALUES ('bulk-" + i + "')");
            }
            JdbcAgent agent = JdbcAgent.in(dir).write("jdbc-it-" + name, "sources:\n"
                    + source(database, "rows-bulk", topic + "bulk", bulkRows, "mode: bulk\npoll_interval: 1h\nbatch_max_rows: 30\n")
                    + source(database, "rows-incrementing", topic + "incrementing", rows, lateCommits(database)
                            + "mode: incrementing\nincrementing_column: id\npoll_interval: 200ms\nbatch_max_rows: 200\n")
                    + source(database, "rows-timestamp", topic + "timestamp", rows, lateCommits(database)
                            + "mode: timestamp\ntimestamp_column: updated_at\npoll_interval: 200ms\nbatch_max_rows: 200\n")
                    + source(database, "rows-timestamp-incrementing", topic + "timestamp-incrementing", rows, lateCommits(database)
                            + "mode: timestamp+incrementing\ntimestamp_column: updated_at\nincrementing_column: id\n"
                            + "poll_interval: 200ms\nbatch_max_rows: 200\nfetch_size: 50\n"));

            // A life may end before a source wrote its first record: the last start's must not find its topic missing.
            for (String mode : List.of("bulk", "incrementing", "timestamp", "timestamp-incrementing")) {
                agent.createTopic(topic + mode);
            }
            try (ConcurrentWriters writers = new ConcurrentWriters(() -> connect(database), rows, database.now, 6, 2)) {
                writers.start();
                int delivered = 0;
                for (int kill = 1; kill <= kills; kill++) {
                    try (AgentProcess running = agent.start()) {
                        int killAt = delivered + 1 + random.nextInt(KILL_WITHIN_ROWS);
                        delivered = agent.awaitCount(running, topic + "timestamp-incrementing", killAt, WAIT).size();
                        assertThat(writers.isDone()).as("the writers still write at kill %d, %s", kill, killed).isFalse();
                        JdbcAgent.crash(running);
                    }
                }
                int passesBeforeLastStart = bulkPasses(agent.readAll(topic + "bulk")).size();
                List<String> onePass = IntStream.rangeClosed(1, BULK_ROWS).mapToObj(i -> "bulk-" + i).toList();
                try (AgentProcess last = agent.start()) {
                    writers.finish();
                    writers.awaitDone(WAIT);
                    Map<Long, Integer> finalVersions = versions(anchor, rows);
                    assertThat(finalVersions).hasSizeGreaterThan(1000);
                    await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        for (String mode : List.of("timestamp-incrementing", "timestamp")) {
                            assertThat(notYetFinal(finalVersions, values(agent.readAll(topic + mode))))
                                    .as(mode + ": ids whose final version did not arrive (id=version last sent), " + killed).isEmpty();
                        }
                        assertThat(agent.readAll(topic + "incrementing")).hasSizeGreaterThanOrEqualTo(finalVersions.size());
                        List<List<String>> passes = bulkPasses(agent.readAll(topic + "bulk"));
                        assertThat(passes).as("bulk passes").hasSizeGreaterThan(passesBeforeLastStart);
                        assertThat(passes.get(passes.size() - 1)).as("bulk: the last start's pass").isEqualTo(onePass);
                    });
                    JdbcAgent.stopGracefully(last);
                    assertThat(last.lines()).noneMatch(line -> line.contains("WARN") || line.contains("ERROR"));

                    for (String mode : List.of("timestamp-incrementing", "timestamp")) {
                        List<JsonNode> values = values(agent.readAll(topic + mode));
                        assertThat(notYetFinal(finalVersions, values)).as(mode + ", " + killed).isEmpty();
                        assertThat(duplicates(values, "updated_at")).as(mode + ": (id, updated_at) pairs sent twice, " + killed).isEmpty();
                        assertThat(duplicates(values, "version")).as(mode + ": (id, version) pairs sent twice, " + killed).isEmpty();
                    }
                    List<Long> inserted = values(agent.readAll(topic + "incrementing")).stream().map(value -> field(value, "id").asLong()).toList();
                    assertThat(inserted).as("incrementing: every id once, in order, " + killed).containsExactlyElementsOf(finalVersions.keySet());
                    // Every start begins a pass; a kill may cut it short, the last start's is whole.
                    List<List<String>> passes = bulkPasses(agent.readAll(topic + "bulk"));
                    assertThat(passes).as("bulk: one pass per start, " + killed).hasSizeBetween(1, kills + 1)
                            .allSatisfy(pass -> assertThat(pass).isEqualTo(onePass.subList(0, pass.size())));
                    assertThat(passes.get(passes.size() - 1)).as("bulk: the last pass, " + killed).isEqualTo(onePass);
                }
            } finally {
                execute(database, "DROP TABLE IF EXISTS " + rows);
                execute(database, "DROP TABLE IF EXISTS " + bulkRows);
            }
        }
    }

    /** The bulk rows' names, cut into passes, each starting at bulk-1; the newest last. */
    private static List<List<String>> bulkPasses(List<ConsumerRecord<byte[], byte[]>> records) {
        List<List<String>> passes = new ArrayList<>();
        for (JsonNode value : values(records)) {
            String name = field(value, "name").asText();
            if (name.equals("bulk-1") || passes.isEmpty()) {
                passes.add(new ArrayList<>());
            }
            passes.get(passes.size() - 1).add(name);
        }
        return passes;
    }

    @Test
    void validateNamesTheSourceAndTheTableThatDoesNotExist() throws Exception {
        JdbcAgent agent = JdbcAgent.in(dir).write("jdbc-it-validate", "sources:\n"
                + source(Database.POSTGRESQL, "pg-orders", "orders", "no_such_table", "mode: incrementing\nincrementing_column: id\n")
                + source(Database.MARIADB, "maria-orders", "orders", "no_such_table", "mode: bulk\n")
                + source(Database.H2, "h2-orders", "orders", "no_such_table",
                        lateCommits(Database.H2) + "mode: incrementing\nincrementing_column: id\n"));
        AgentProcess.Result result = agent.command("validate");
        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(errorLines(result)).containsExactly(
                agent.config + ": sources.pg-orders: table no_such_table: ERROR: relation \"no_such_table\" does not exist",
                agent.config + ": sources.maria-orders: table no_such_table: Table 'test.no_such_table' doesn't exist",
                agent.config + ": sources.h2-orders: table no_such_table: Table \"NO_SUCH_TABLE\" not found (this database is empty)",
                "3 errors in " + agent.config);
    }

    @Test
    void validateNamesTheSourceTableAndGrantAUserWithoutPrivilegesLacks() throws Exception {
        String role = "jdbc_it_reader_" + ProcessHandle.current().pid();
        String table = "jdbc_it_private_" + ProcessHandle.current().pid();
        execute(Database.POSTGRESQL, "CREATE TABLE " + table + " (" + Database.POSTGRESQL.columns + ")");
        execute(Database.POSTGRESQL, "CREATE ROLE " + role + " LOGIN");
        try {
            JdbcAgent agent = JdbcAgent.in(dir).write("jdbc-it-privileges", """
                    sources:
                      orders:
                        type: jdbc
                        topic: orders
                        url: %s
                        user: %s
                        table: %s
                        mode: timestamp+incrementing
                        timestamp_column: updated_at
                        incrementing_column: id
                    """.formatted(Database.POSTGRESQL.url, role, table));
            AgentProcess.Result result = agent.command("validate");
            assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
            assertThat(errorLines(result)).containsExactly(
                    agent.config + ": sources.orders: table " + table + ": ERROR: permission denied for table " + table,
                    agent.config + ": sources.orders: reading open transactions: the database user needs membership in the role"
                            + " pg_read_all_stats, without which pg_stat_activity hides other users' transactions"
                            + " (GRANT pg_read_all_stats TO <user>) to see open transactions, or timestamp_delay set to fall back"
                            + " to a fixed delay",
                    "2 errors in " + agent.config);
        } finally {
            execute(Database.POSTGRESQL, "DROP TABLE IF EXISTS " + table);
            execute(Database.POSTGRESQL, "DROP ROLE IF EXISTS " + role);
        }
    }

    @Test
    void aDriverJarNamedInDriverJarsIsFoundAndReadsItsDatabase() throws Exception {
        Path jar = Path.of(System.getProperty("tributary.driver.jar"));
        Files.createDirectories(dir.resolve("drivers"));
        Files.copy(jar, dir.resolve("drivers").resolve(jar.getFileName()));
        Path database = dir.resolve("readings.db");
        String url = "jdbc:sqlite:" + database;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, JdbcSourceIT.class.getClassLoader());
             Connection connection = DriverDataSource.findDriver(url, loader).orElseThrow().connect(url, new Properties());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE readings (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, reading REAL)");
            for (int i = 1; i <= 50; i++) {
                statement.execute("INSERT INTO readings (sensor, reading) VALUES ('sensor-" + i % 5 + "', " + i + ".5)");
            }
        }
        String withoutDriverJars = """
                sources:
                  readings:
                    type: jdbc
                    topic: jdbc-it.sqlite
                    url: %s
                    table: readings
                    mode: bulk
                    poll_interval: 1h
                """.formatted(url);
        JdbcAgent agent = JdbcAgent.in(dir).write("jdbc-it-sqlite", withoutDriverJars);
        AgentProcess.Result unknownDriver = agent.command("validate");
        assertThat(unknownDriver.exitCode()).as(unknownDriver.output()).isEqualTo(1);
        assertThat(errorLines(unknownDriver)).containsExactly(agent.config + ":12:5: sources.readings.url: no JDBC"
                + " driver accepts urls starting with jdbc:sqlite:; the plugin ships PostgreSQL (jdbc:postgresql:), MariaDB/MySQL"
                + " (jdbc:mariadb:) and H2 (jdbc:h2:), others load from the jars named in driver_jars",
                "1 error in " + agent.config);

        agent.write("jdbc-it-sqlite", withoutDriverJars + "    driver_jars: [\"drivers/*.jar\"]\n");
        AgentProcess.Result valid = agent.command("validate");
        assertThat(valid.exitCode()).as(valid.output()).isZero();
        try (AgentProcess running = agent.start()) {
            List<JsonNode> values = values(agent.awaitCount(running, "jdbc-it.sqlite", 50, WAIT));
            JdbcAgent.stopGracefully(running);
            assertThat(values).hasSize(50);
            assertThat(values.get(0).toString()).isEqualTo("{\"id\":1,\"sensor\":\"sensor-1\",\"reading\":1.5}");
            assertThat(values.get(49).toString()).isEqualTo("{\"id\":50,\"sensor\":\"sensor-0\",\"reading\":50.5}");
        }
        assertThat(agent.readAll("jdbc-it.sqlite")).hasSize(50);
    }

    /**
     * What {@code validate} printed without log lines: the MariaDB driver logs every error the
     * server returns at WARN, before the source reports it.
     */
    private static List<String> errorLines(AgentProcess.Result result) {
        return result.lines().stream().filter(line -> !line.matches("^\\d{4}-\\d{2}-\\d{2}T.* (WARN|INFO) .*")).toList();
    }

    /** id → version of every row in the table now. */
    private static Map<Long, Integer> versions(Connection connection, String table) throws SQLException {
        Map<Long, Integer> versions = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, version FROM " + table)) {
            while (rs.next()) {
                versions.put(rs.getLong(1), rs.getInt(2));
            }
        }
        return versions;
    }

    private static List<JsonNode> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(record -> {
            try {
                return JSON.readTree(new String(record.value(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    /**
     * The ids whose last record is not their final version (id → version of the last record, null
     * when none arrived), and ids sent that are not in the table.
     */
    private static Map<Long, Integer> notYetFinal(Map<Long, Integer> finalVersions, List<JsonNode> values) {
        Map<Long, Integer> lastSent = new TreeMap<>();
        values.forEach(value -> lastSent.put(field(value, "id").asLong(), field(value, "version").asInt()));
        Map<Long, Integer> differing = new TreeMap<>();
        finalVersions.forEach((id, version) -> {
            if (!version.equals(lastSent.get(id))) {
                differing.put(id, lastSent.get(id));
            }
        });
        lastSent.forEach((id, version) -> {
            if (!finalVersions.containsKey(id)) {
                differing.put(id, version);
            }
        });
        return differing;
    }

    /** The (id, {@code column}) pairs that occur more than once. */
    private static Set<String> duplicates(List<JsonNode> values, String column) {
        Set<String> seen = new HashSet<>();
        return values.stream().map(value -> field(value, "id").asText() + "@" + field(value, column).asText())
                .filter(pair -> !seen.add(pair)).collect(Collectors.toSet());
    }

    /** A column of a row's JSON; H2 reports unquoted names upper-cased. */
    private static JsonNode field(JsonNode value, String column) {
        Map<String, JsonNode> byLowerCase = new HashMap<>();
        value.properties().forEach(entry -> byLowerCase.put(entry.getKey().toLowerCase(), entry.getValue()));
        JsonNode field = byLowerCase.get(column);
        if (field == null) {
            throw new AssertionError("no column " + column + " in " + value);
        }
        return field;
    }
}
