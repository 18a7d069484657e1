package io.tributary.plugins.jdbc;

import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
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
            // Five rows of one transaction share their timestamp: a group across the page size.
            try (var connection = db.connect(); var statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                for (int i = 0; i < 5; i++) {
                    statement.execute("INSERT INTO " + table + " (name) VALUES ('batch')");
                }
                connection.commit();
            }
            Map<String, Position> committed;
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml(db, table, mode)), context)) {
                List<SourceRecord> first = driver.pollUntil(25, TIMEOUT);
                assertThat(ids(first)).hasSize(25).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
                if (mode != Mode.BULK) {
                    assertThat(ids(first)).isSorted();
                }
                assertThat(first).allSatisfy(record -> {
                    assertThat(record.topic()).isEqualTo("db.test");
                    assertThat(key(record)).isEqualTo(field(record, "id").asText());
                    assertThat(record.headers()).extracting(h -> h.key()).containsExactly("tributary.source", "tributary.table");
                });
                assertThat(context.counter("jdbc.rows.read")).isEqualTo(25);
                driver.commitAll();

                if (mode == Mode.BULK) {
                    assertThat(ids(driver.pollUntil(25, TIMEOUT))).hasSize(25);
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
                    assertThat(ids(driver.pollUntil(2, TIMEOUT))).containsExactly(26L, 27L);
                }
                assertThat(driver.pollFor(Duration.ofMillis(400))).isEmpty();
                driver.commitAll();
                committed = driver.committedPositions();
            }
            if (mode.usesIncrementing()) {
                assertThat(committed.get(table).get("id")).isEqualTo(mode == Mode.INCREMENTING ? "27" : "7");
            }

            insertRows(db, table, 1);
            long expectedId = mode == Mode.INCREMENTING ? 28 : 26;
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
            insertRows(db, table, 35);
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
                assertThat(records).extracting(r -> r.checkpoint().stream())
                        .containsExactly(orders, orders, orders, invoices, invoices);
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
}
