package io.tributary.plugins.jdbc;

import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.tributary.plugins.jdbc.Records.field;
import static io.tributary.plugins.jdbc.Records.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rows of transactions that commit after later rows were read must still arrive: the failure that
 * makes polling connectors lose rows (kafka-connect-jdbc #27, #915).
 */
class LateCommitTest {
    private static final int WRITERS = 8;
    private static final int SLOW_WRITERS = 2;
    private static final int FAST_WRITER_OPERATIONS = 200;
    private static final int SLOW_WRITER_ROUNDS = 3;
    private static final Duration SLOW_TRANSACTION = Duration.ofMillis(1100);

    @TempDir
    Path dataDir;

    static Stream<Database> databases() {
        return Stream.of(Database.POSTGRESQL, Database.MARIADB);
    }

    static Stream<Arguments> databasesAndIncrementalModes() {
        return databases().flatMap(db -> Stream.of(Mode.values())
                .filter(mode -> mode != Mode.BULK).map(mode -> Arguments.of(db, mode)));
    }

    /**
     * A connection whose open transaction inserted 'late' (id 1), after which another committed
     * 'early' (id 2): the late commit the source must not lose.
     */
    private static Connection lateRowOpenEarlyRowCommitted(Database db, String table) throws SQLException {
        Connection open = db.connect();
        try {
            open.setAutoCommit(false);
            try (Statement statement = open.createStatement()) {
                statement.execute("INSERT INTO " + table + " (name) VALUES ('late')");
            }
            db.execute("INSERT INTO " + table + " (name) VALUES ('early')");
            return open;
        } catch (SQLException | RuntimeException e) {
            open.close();
            throw e;
        }
    }

    private static String yaml(Database db, String table, Mode mode) {
        String yaml = db.connectionYaml() + "table: " + table + "\nmode: " + mode.settingValue()
                + "\npoll_interval: 100ms\nbatch_max_rows: 100\nfetch_size: 50\n";
        if (mode.usesIncrementing()) {
            yaml += "incrementing_column: id\n";
        }
        if (mode.usesTimestamp()) {
            yaml += "timestamp_column: updated_at\n";
        }
        return yaml;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("databasesAndIncrementalModes")
    void aRowCommittedAfterALaterRowWasCommittedStillArrivesInOrder(Database db, Mode mode) throws Exception {
        String table = db.createTable();
        try (Connection open = lateRowOpenEarlyRowCommitted(db, table)) {

            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml(db, table, mode)), context)) {
                assertThat(driver.pollFor(Duration.ofMillis(1200))).isEmpty();
                assertThat(context.gauge("jdbc.window.lag.seconds").doubleValue()).isGreaterThan(1.0);
                open.commit();
                List<SourceRecord> records = driver.pollUntil(2, Duration.ofSeconds(10));
                assertThat(ids(records)).containsExactly(1L, 2L);
                assertThat(records).extracting(r -> field(r, "name").asText()).containsExactly("late", "early");
            }
        } finally {
            db.dropTable(table);
        }
    }

    /**
     * A committed row held back because an older transaction was open is read once that one ends,
     * within a few retries, not a whole poll_interval (here 30 s) later.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRowHeldBackByAnOpenTransactionArrivesSoonAfterItEnds(Database db) throws Exception {
        String table = db.createTable();
        try (Connection open = lateRowOpenEarlyRowCommitted(db, table)) {
            String yaml = db.connectionYaml() + "table: " + table + "\nmode: incrementing\nincrementing_column: id\n"
                    + "poll_interval: 30s\n";

            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                assertThat(driver.pollFor(Duration.ofMillis(500))).isEmpty();
                open.commit();
                assertThat(ids(driver.pollUntil(2, Duration.ofSeconds(5)))).containsExactly(1L, 2L);
            }
        } finally {
            db.dropTable(table);
        }
    }

    /**
     * Eight writers insert and update rows, two of them holding each transaction open for over a
     * second; the source restarts from its committed positions half way. Every row's final version
     * arrives and no row version arrives twice.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("databasesAndIncrementalModes")
    void concurrentWritersWithLongTransactionsLoseAndRepeatNothing(Database db, Mode mode) throws Exception {
        String table = db.createTable();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            AtomicBoolean slowWritersDone = new AtomicBoolean();
            List<Future<?>> running = new ArrayList<>();
            for (int writer = 0; writer < WRITERS; writer++) {
                int number = writer;
                running.add(writers.submit(() -> {
                    write(db, table, number, mode.usesTimestamp(), slowWritersDone);
                    return null;
                }));
            }

            List<SourceRecord> delivered = new ArrayList<>();
            Map<String, Position> committed = Map.of();
            boolean restarted = false;
            while (true) {
                RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, committed);
                try (TaskDriver driver = TaskDriver.start(Database.task(yaml(db, table, mode)), context)) {
                    if (!restarted) {
                        restarted = true;
                        for (int i = 0; i < 8; i++) {
                            delivered.addAll(driver.pollFor(Duration.ofMillis(200)));
                            driver.commitAll();
                        }
                        committed = driver.committedPositions();
                        continue;
                    }
                    for (Future<?> writer : running) {
                        writer.get();
                    }
                    Map<Long, String> finalNames = finalNames(db, table);
                    await().atMost(Duration.ofSeconds(20)).until(() -> {
                        delivered.addAll(driver.pollFor(Duration.ofMillis(200)));
                        driver.commitAll();
                        return lastNames(delivered).equals(finalNames);
                    });
                    assertThat(driver.pollFor(Duration.ofMillis(300))).isEmpty();
                    assertThat(finalNames).hasSizeGreaterThan(600);
                    break;
                }
            }

            Set<String> versions = new HashSet<>();
            for (SourceRecord record : delivered) {
                String version = field(record, "id").asText() + " " + field(record, "updated_at").asText();
                assertThat(versions.add(version)).as("row version %s arrives once", version).isTrue();
            }
            if (mode == Mode.INCREMENTING) {
                assertThat(ids(delivered)).doesNotHaveDuplicates();
            }
        } finally {
            writers.shutdownNow();
            db.dropTable(table);
        }
    }

    private static Map<Long, String> lastNames(List<SourceRecord> records) {
        Map<Long, String> names = new HashMap<>();
        records.forEach(r -> names.put(field(r, "id").asLong(), field(r, "name").asText()));
        return names;
    }

    private static Map<Long, String> finalNames(Database db, String table) throws SQLException {
        Map<Long, String> names = new HashMap<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, name FROM " + table)) {
            while (rs.next()) {
                names.put(rs.getLong(1), rs.getString(2));
            }
        }
        return names;
    }

    /**
     * One writer: fast writers run short transactions (each held a few milliseconds by the database)
     * until the slow ones are done; slow writers hold each of their transactions over a second.
     * Updates touch the writer's own rows only, so writers never deadlock each other.
     */
    private static void write(Database db, String table, int writer, boolean update, AtomicBoolean slowWritersDone) throws Exception {
        boolean slow = writer < SLOW_WRITERS;
        List<Long> ownIds = new ArrayList<>();
        String pause = db == Database.POSTGRESQL ? "SELECT pg_sleep(%s)" : "DO SLEEP(%s)";
        try (Connection connection = db.connect();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement change = connection.prepareStatement("UPDATE " + table + " SET name = ?, updated_at = " + db.now + " WHERE id = ?");
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            int operations = 0;
            int rounds = slow ? SLOW_WRITER_ROUNDS : Integer.MAX_VALUE;
            for (int round = 0; round < rounds && (slow || !slowWritersDone.get() && operations < FAST_WRITER_OPERATIONS); round++) {
                for (int i = 0; i < (slow ? 4 : 1); i++) {
                    String name = "w" + writer + "-" + operations++;
                    if (update && !ownIds.isEmpty() && ThreadLocalRandom.current().nextInt(10) < 4) {
                        change.setString(1, name);
                        change.setLong(2, ownIds.get(ThreadLocalRandom.current().nextInt(ownIds.size())));
                        change.executeUpdate();
                    } else {
                        insert.setString(1, name);
                        insert.executeUpdate();
                        try (ResultSet keys = insert.getGeneratedKeys()) {
                            keys.next();
                            ownIds.add(keys.getLong(1));
                        }
                    }
                }
                statement.execute(String.format(pause, slow ? SLOW_TRANSACTION.toMillis() / 1000.0 : 0.005));
                connection.commit();
            }
        }
        if (slow) {
            slowWritersDone.set(true);
        }
    }
}
