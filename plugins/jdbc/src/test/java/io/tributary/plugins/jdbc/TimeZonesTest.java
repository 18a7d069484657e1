package io.tributary.plugins.jdbc;

import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.tributary.plugins.jdbc.Records.ids;
import static io.tributary.plugins.jdbc.Records.valueText;
import static org.assertj.core.api.Assertions.assertThat;

class TimeZonesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    /**
     * The source's MariaDB sessions run in UTC whatever zone they start in (here +05:00, as on a
     * server whose system time zone is not UTC), so NOW() and TIMESTAMP values never jump back at a
     * clock change: a TIMESTAMP is an instant, written with Z and checkpointed with Z, and binds back
     * as the same instant. A DATETIME is written as it was stored.
     */
    @Test
    void mariadbTimestampsAreInstantsInUtcWhateverZoneTheSessionStartsIn() throws Exception {
        Database db = Database.MARIADB;
        String table = "jdbc_zones_" + ProcessHandle.current().pid();
        db.execute("CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, updated_at TIMESTAMP(6) NOT NULL,"
                + " written DATETIME(6))");
        try {
            insertInUtc(db, "INSERT INTO " + table + " (updated_at, written) VALUES"
                    + " ('2024-03-01 09:59:59.999999', '2024-03-01 09:59:59.999999'),"
                    + " ('2024-03-01 10:15:30.123456', '2024-03-01 10:15:30.123456')");
            String yaml = "topic: db.test\nurl: \"" + db.url + "?sessionVariables=time_zone='+05:00'\"\nuser: " + db.user
                    + "\ntable: " + table + "\nmode: timestamp+incrementing\ntimestamp_column: updated_at\nincrementing_column: id\n"
                    + "timestamp_initial: 2024-03-01T10:00:00Z\npoll_interval: 100ms\n";
            Map<String, Position> committed;
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), new RecordingSourceContext("orders", dataDir, Map.of()))) {
                List<SourceRecord> records = driver.pollUntil(1, TIMEOUT);
                assertThat(driver.pollFor(Duration.ofMillis(300))).isEmpty();
                assertThat(records).extracting(Records::valueText).containsExactly(
                        "{\"id\":2,\"updated_at\":\"2024-03-01T10:15:30.123456Z\",\"written\":\"2024-03-01T10:15:30.123456\"}");
                assertThat(records.get(0).checkpoint().position())
                        .isEqualTo(Position.of("ts", "2024-03-01T10:15:30.123456Z", "id", 2));
                driver.commitAll();
                committed = driver.committedPositions();
            }

            insertInUtc(db, "INSERT INTO " + table + " (updated_at, written) VALUES ('2024-03-01 10:15:30.123457', NULL)");
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), new RecordingSourceContext("orders", dataDir, committed))) {
                assertThat(ids(driver.pollUntil(1, TIMEOUT))).containsExactly(3L);
                assertThat(driver.pollFor(Duration.ofMillis(300))).isEmpty();
            }
        } finally {
            db.dropTable(table);
        }
    }

    private static void insertInUtc(Database db, String sql) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SET time_zone = '+00:00'");
            statement.execute(sql);
        }
    }
}
