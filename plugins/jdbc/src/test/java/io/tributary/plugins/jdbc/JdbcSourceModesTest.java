package io.tributary.plugins.jdbc;

import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static io.tributary.plugins.jdbc.Records.ids;
import static io.tributary.plugins.jdbc.Records.key;
import static io.tributary.plugins.jdbc.Records.field;
import static org.assertj.core.api.Assertions.assertThat;

class JdbcSourceModesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Rows of one timestamp in everyModeReadsEachRowVersionOnce..., more than its batch_max_rows. */
    private static final int GROUP = 12;
    private static final int ROWS = 20 + GROUP;

    @TempDir
    Path dataDir;

    static Stream<Arguments> databasesAndModes() {
        return Stream.of(Database.values()).flatMap(db -> Stream.of(Mode.values()).map(mode -> Arguments.of(db, mode)));
    }

    private static String yaml(Database db, String table, Mode mode) {
        String yaml = db.connectionYaml() + "table: " + table + "\nmode: " + mode.settingValue()
                + "\npoll_interval: 200ms\nbatch_max_rows: 10\nfetch_size: 4\n";
        if (mode.usesIncrementing()) {
            yaml += "incrementing_column: id\n";
        }
        if (mode.usesTimestamp()) {
            yaml += "timestamp_column: updated_at\n";
        }
        return yaml;
    }

    private static void insertRows(Database db, String table, int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            db.execute("INSERT INTO " + table + " (name) VALUES ('row')");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("databasesAndModes")
    void everyModeReadsEachRowVersionOnceInPagesAndResumesFromCommittedPositions(Database db, Mode mode) throws Exception {
        String table = db.createTable();
        try {
            insertRows(db, table, 20);
            // The rows of one statement share their timestamp: a group of 12 with pages of 10 rows,
            // which timestamp mode reads whole in one page, as its position is a timestamp alone.
            db.execute("INSERT INTO " + table + " (name) VALUES " + String.join(", ", Collections.nCopies(GROUP, "('group')")));
            Map<String, Position> committed;
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml(db, table, mode)), context)) {
                List<SourceRecord> first = driver.pollUntil(ROWS, TIMEOUT);
                assertThat(ids(first)).hasSize(ROWS).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, ROWS).boxed().toList());
                if (mode != Mode.BULK) {
                    assertThat(ids(first)).isSorted();
                }
                assertThat(first).allSatisfy(record -> {
                    assertThat(record.topic()).isEqualTo("db.test");
                    assertThat(key(record)).isEqualTo(field(record, "id").asText());
                    assertThat(record.headers()).extracting(h -> h.key()).containsExactly("tributary.source", "tributary.table");
                });
                assertThat(context.counter("jdbc.rows.read")).isEqualTo(ROWS);
                driver.commitAll();

                if (mode == Mode.BULK) {
                    assertThat(ids(driver.pollUntil(ROWS, TIMEOUT))).hasSize(ROWS);
                    assertThat(driver.committedPositions()).isEmpty();
                    return;
                }
                if (mode.usesTimestamp()) {
                    db.execute("UPDATE " + table + " SET name = 'changed', updated_at = " + db.now + " WHERE id IN (3, 7)");
                    List<SourceRecord> updates = driver.pollUntil(2, TIMEOUT);
                    assertThat(ids(updates)).containsExactly(3L, 7L);
                    assertThat(updates).allSatisfy(r -> assertThat(field(r, "name").asText()).isEqualTo("changed"));
                } else {
                    insertRows(db, table, 2);
                    assertThat(ids(driver.pollUntil(2, TIMEOUT))).containsExactly(ROWS + 1L, ROWS + 2L);
                }
                assertThat(driver.pollFor(Duration.ofMillis(400))).isEmpty();
                driver.commitAll();
                committed = driver.committedPositions();
            }
            if (mode.usesIncrementing()) {
                assertThat(committed.get(table).get("id")).isEqualTo(mode == Mode.INCREMENTING ? "34" : "7");
            }

            insertRows(db, table, 1);
            long expectedId = mode == Mode.INCREMENTING ? ROWS + 3 : ROWS + 1;
            RecordingSourceContext restarted = new RecordingSourceContext("orders", dataDir, committed);
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml(db, table, mode)), restarted)) {
                assertThat(ids(driver.pollUntil(1, TIMEOUT))).containsExactly(expectedId);
                assertThat(driver.pollFor(Duration.ofMillis(400))).isEmpty();
            }
        } finally {
            db.dropTable(table);
        }
    }

    /**
     * Pages that come back full are followed at once by the next, read in the same window, so a
     * backlog drains well within one poll_interval whatever other sessions do meanwhile.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Mode.class, names = "BULK", mode = EnumSource.Mode.EXCLUDE)
    void aBacklogDrainsPageAfterPageWithoutWaitingForThePollInterval(Mode mode) throws Exception {
        Database db = Database.POSTGRESQL;
        String table = db.createTable();
        try {
            // Stamped a second ago, past the horizon's margin: the first window holds every row.
            for (int i = 0; i < 35; i++) {
                db.execute("INSERT INTO " + table + " (name, updated_at) VALUES ('row', now() - interval '1 second')");
            }
            String yaml = db.connectionYaml() + "table: " + table + "\nmode: " + mode.settingValue()
                    + "\npoll_interval: 5s\nbatch_max_rows: 10\n"
                    + (mode.usesIncrementing() ? "incrementing_column: id\n" : "")
                    + (mode.usesTimestamp() ? "timestamp_column: updated_at\n" : "");
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                List<SourceRecord> records = new ArrayList<>(driver.pollUntil(1, Duration.ofSeconds(25)));
                // In timestamp mode a full page leaves its last timestamp group to the next one.
                assertThat(records).hasSize(mode == Mode.TIMESTAMP ? 9 : 10);
                records.addAll(driver.pollUntil(35 - records.size(), Duration.ofSeconds(2)));
                assertThat(ids(records)).containsExactlyElementsOf(LongStream.rangeClosed(1, 35).boxed().toList());
                assertThat(context.counter("jdbc.polls")).isEqualTo(4);
            }
        } finally {
            db.dropTable(table);
        }
    }

    @Test
    void eachTableOfASourceKeepsItsOwnCheckpoint() throws Exception {
        Database db = Database.POSTGRESQL;
        String orders = db.createTable();
        String invoices = db.createTable();
        try {
            insertRows(db, orders, 3);
            insertRows(db, invoices, 2);
            String yaml = db.connectionYaml() + "tables: [" + orders + ", " + invoices + "]\nmode: incrementing\n"
                    + "incrementing_column: id\npoll_interval: 100ms\n";
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                List<SourceRecord> records = driver.pollUntil(5, TIMEOUT);
                // Each table's rows come as one run, its checkpoint on the run's last record.
                assertThat(records).extracting(r -> r.checkpoint() == null ? null : r.checkpoint().stream())
                        .containsExactly(null, null, orders, null, invoices);
                driver.commitAll();
                assertThat(driver.committedPositions()).isEqualTo(Map.of(
                        orders, Position.of("id", 3), invoices, Position.of("id", 2)));
            }
        } finally {
            db.dropTable(orders);
            db.dropTable(invoices);
        }
    }

    @Test
    void aQuerySourceFiltersWithItsOwnWhereAndCheckpointsAsQuery() throws Exception {
        Database db = Database.MARIADB;
        String table = db.createTable();
        try {
            db.execute("INSERT INTO " + table + " (name) VALUES ('shown'), ('hidden'), ('shown')");
            String yaml = db.connectionYaml() + "query: SELECT id, name, updated_at FROM " + table + " WHERE name <> 'hidden'\n"
                    + "mode: timestamp+incrementing\nincrementing_column: id\ntimestamp_column: updated_at\npoll_interval: 100ms\n";
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                List<SourceRecord> records = driver.pollUntil(2, TIMEOUT);
                assertThat(ids(records)).containsExactly(1L, 3L);
                assertThat(records.get(1).checkpoint().stream()).isEqualTo("query");
                assertThat(key(records.get(1))).isEqualTo("3");
                assertThat(driver.pollFor(Duration.ofMillis(500))).isEmpty();
            }
        } finally {
            db.dropTable(table);
        }
    }

    /**
     * A list of timestamp columns is read as their COALESCE: a row is stamped by its first column
     * that is not NULL, and a row whose columns are all NULL is never read.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "MARIADB"})
    void aListOfTimestampColumnsReadsTheFirstThatIsNotNull(Database db) throws Exception {
        String table = "jdbc_coalesce_" + ProcessHandle.current().pid();
        String type = db == Database.POSTGRESQL ? "TIMESTAMPTZ" : "TIMESTAMP(6) NULL";
        db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(10), updated_at " + type + ", created_at " + type + ")");
        try {
            db.execute("INSERT INTO " + table + " VALUES (1, 'created', NULL, " + db.now + "), (2, 'updated', " + db.now
                    + ", NULL), (3, 'never', NULL, NULL)");
            String yaml = db.connectionYaml() + "table: " + table + "\nmode: timestamp\ntimestamp_column: [updated_at, created_at]\n"
                    + "poll_interval: 100ms\n";
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                assertThat(ids(driver.pollUntil(2, TIMEOUT))).containsExactlyInAnyOrder(1L, 2L);
                db.execute("UPDATE " + table + " SET name = 'changed', updated_at = " + db.now + " WHERE id = 1");
                List<SourceRecord> changed = driver.pollUntil(1, TIMEOUT);
                assertThat(ids(changed)).containsExactly(1L);
                assertThat(field(changed.get(0), "name").asText()).isEqualTo("changed");
                assertThat(driver.pollFor(Duration.ofMillis(400))).isEmpty();
            }
        } finally {
            db.dropTable(table);
        }
    }

    @Test
    void aListOfTimestampColumnsWithAndWithoutATimeZoneIsRefused() throws Exception {
        Database db = Database.POSTGRESQL;
        String table = "jdbc_mixed_" + ProcessHandle.current().pid();
        db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, updated_at TIMESTAMPTZ, created_at TIMESTAMP)");
        try {
            String yaml = db.connectionYaml() + "table: " + table + "\nmode: timestamp\ntimestamp_column: [updated_at, created_at]\n";
            assertThat(Database.task(yaml).check()).containsExactly("table " + table + ": timestamp_column lists columns with"
                    + " a time zone (updated_at) and without one: list columns of one kind");
        } finally {
            db.dropTable(table);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Database.class)
    void timestampInitialSkipsRowsStampedBeforeIt(Database db) throws Exception {
        String table = db.createTable();
        try {
            db.execute("INSERT INTO " + table + " (name, updated_at) VALUES ('old', TIMESTAMP '2023-12-31 23:59:59.999999'),"
                    + " ('first of the year', TIMESTAMP '2024-01-01 00:00:00')");
            insertRows(db, table, 1);
            String yaml = db.connectionYaml() + "table: " + table + "\nmode: timestamp+incrementing\ntimestamp_column: updated_at\n"
                    + "incrementing_column: id\ntimestamp_initial: 2024-01-01T00:00:00Z\npoll_interval: 100ms\n";
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                assertThat(ids(driver.pollUntil(2, TIMEOUT))).containsExactly(2L, 3L);
                assertThat(driver.pollFor(Duration.ofMillis(400))).isEmpty();
            }
        } finally {
            db.dropTable(table);
        }
    }
}
