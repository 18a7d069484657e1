package io.tributary.plugins.jdbc;

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
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.tributary.plugins.jdbc.Records.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database ends the source's connections mid-run, as a restart or failover does: the source
 * reconnects and goes on from its position, losing and repeating nothing.
 */
class ConnectionLossTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long PID = ProcessHandle.current().pid();
    /** Names the source's PostgreSQL connections, so that the test ends those alone. */
    private static final String APPLICATION_NAME = "tributary-connection-loss-" + PID;
    /** The user of the source's MariaDB connections, so that the test ends those alone. */
    private static final String MARIADB_USER = "jdbc_loss_" + PID;

    @TempDir
    Path dataDir;

    static Stream<Arguments> databasesAndIncrementalModes() {
        return Stream.of(Database.POSTGRESQL, Database.MARIADB)
                .flatMap(db -> Stream.of(Mode.INCREMENTING, Mode.TIMESTAMP_INCREMENTING).map(mode -> Arguments.of(db, mode)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("databasesAndIncrementalModes")
    void connectionsEndedByTheDatabaseAreReplacedAndReadingGoesOnFromThePosition(Database db, Mode mode) throws Exception {
        String table = db.createTable();
        try {
            String yaml = connection(db, table) + "mode: " + mode.settingValue() + "\nincrementing_column: id\npoll_interval: 100ms\n"
                    + (mode.usesTimestamp() ? "timestamp_column: updated_at\n" : "");
            insertRows(db, table, 5);
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                List<SourceRecord> records = new ArrayList<>(driver.pollUntil(5, TIMEOUT));
                driver.commitAll();
                assertThat(endSourceConnections(db)).isPositive();
                insertRows(db, table, 5);
                records.addAll(driver.pollUntil(5, TIMEOUT));
                assertThat(driver.pollFor(Duration.ofMillis(300))).isEmpty();
                assertThat(ids(records)).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
                assertThat(context.isHealthy()).isTrue();
            }
        } finally {
            db.dropTable(table);
            dropMariadbUser(db);
        }
    }

    /** A bulk pass whose cursor dies starts over: its rows come again, every one of them. */
    @Test
    void aBulkPassWhoseConnectionEndsStartsOverAndReadsTheWholeTable() throws Exception {
        Database db = Database.POSTGRESQL;
        String table = db.createTable();
        try {
            insertRows(db, table, 30);
            String yaml = connection(db, table) + "mode: bulk\npoll_interval: 1h\nbatch_max_rows: 10\n";
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                List<SourceRecord> firstPage = driver.pollUntil(10, TIMEOUT);
                assertThat(ids(firstPage)).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
                assertThat(endSourceConnections(db)).isPositive();
                List<SourceRecord> secondPass = driver.pollUntil(30, TIMEOUT);
                assertThat(ids(secondPass)).containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
                assertThat(context.counter("jdbc.poll.errors")).isEqualTo(1);
                assertThat(context.isHealthy()).isTrue();
            }
        } finally {
            db.dropTable(table);
        }
    }

    /** The source's connection settings, naming its connections; on MariaDB a user of its own, created here. */
    private static String connection(Database db, String table) throws SQLException {
        if (db == Database.POSTGRESQL) {
            return "topic: db.test\nurl: " + db.url + "?ApplicationName=" + APPLICATION_NAME + "\nuser: " + db.user
                    + "\ntable: " + table + "\n";
        }
        db.execute("CREATE USER '" + MARIADB_USER + "'@'%'");
        db.execute("GRANT SELECT ON test." + table + " TO '" + MARIADB_USER + "'@'%'");
        db.execute("GRANT PROCESS ON *.* TO '" + MARIADB_USER + "'@'%'");
        return "topic: db.test\nurl: " + db.url + "\nuser: " + MARIADB_USER + "\ntable: " + table + "\n";
    }

    /** Ends every connection of the source, as a database restart would; returns how many there were. */
    private static int endSourceConnections(Database db) throws SQLException {
        try (Connection connection = db.connect()) {
            if (db == Database.POSTGRESQL) {
                try (PreparedStatement terminate = connection.prepareStatement(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?")) {
                    terminate.setString(1, APPLICATION_NAME);
                    try (ResultSet rs = terminate.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            }
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement find = connection.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?")) {
                find.setString(1, MARIADB_USER);
                try (ResultSet rs = find.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            try (Statement kill = connection.createStatement()) {
                for (long id : ids) {
                    kill.execute("KILL CONNECTION " + id);
                }
            }
            return ids.size();
        }
    }

    private static void dropMariadbUser(Database db) throws SQLException {
        if (db == Database.MARIADB) {
            db.execute("DROP USER IF EXISTS '" + MARIADB_USER + "'@'%'");
        }
    }

    private static void insertRows(Database db, String table, int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            db.execute("INSERT INTO " + table + " (name) VALUES ('row')");
        }
    }
}
