package io.tributary.plugins.jdbc;

import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.tributary.plugins.jdbc.Records.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JdbcSourceHealthTest {
    @TempDir
    Path dataDir;

    @Test
    void anUnreachableDatabaseMakesTheSourceUnhealthyAndCountsPollErrors() {
        String yaml = "topic: db.test\nurl: jdbc:postgresql://127.0.0.1:1/test\nuser: postgres\ntable: orders\n"
                + "mode: incrementing\nincrementing_column: id\npool:\n  connection_timeout: 250ms\n";
        RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
        try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                driver.pollFor(Duration.ofMillis(100));
                return !context.isHealthy();
            });
            assertThat(context.unhealthyReason()).startsWith("source orders: cannot connect to the database: ");
            assertThat(context.counter("jdbc.poll.errors")).isEqualTo(1);
        }
    }

    @Test
    void aMissingTableIsReportedByNameAndReadOnceCreatedWithoutLosingThePosition() throws Exception {
        Database db = Database.POSTGRESQL;
        String table = "jdbc_missing_" + ProcessHandle.current().pid();
        String yaml = db.connectionYaml() + "table: " + table + "\nmode: incrementing\nincrementing_column: id\npoll_interval: 100ms\n";
        RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
        try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                driver.pollFor(Duration.ofMillis(100));
                return !context.isHealthy();
            });
            assertThat(context.unhealthyReason())
                    .startsWith("source orders: table " + table + ": ERROR: relation \"" + table + "\" does not exist");
            db.execute("CREATE TABLE " + table + " (" + db.columns + ")");
            db.execute("INSERT INTO " + table + " (name) VALUES ('first')");
            assertThat(ids(driver.pollUntil(1, Duration.ofSeconds(10)))).containsExactly(1L);
            assertThat(context.isHealthy()).isTrue();
        } finally {
            db.dropTable(table);
        }
    }

    @Test
    void aMissingColumnIsReportedWithTheColumnsTheTableHas() throws Exception {
        Database db = Database.MARIADB;
        String table = db.createTable();
        String yaml = db.connectionYaml() + "table: " + table + "\nmode: timestamp\ntimestamp_column: modified\n";
        RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
        try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                driver.pollFor(Duration.ofMillis(100));
                return !context.isHealthy();
            });
            assertThat(context.unhealthyReason())
                    .isEqualTo("source orders: table " + table + ": has no column modified (it has id, name, updated_at)");
        } finally {
            db.dropTable(table);
        }
    }

    @Test
    void aPostgresqlUserThatCannotSeeOtherTransactionsIsToldWhichRoleToGrantOrFallsBackToTheDelay() throws Exception {
        Database db = Database.POSTGRESQL;
        String table = db.createTable();
        String role = "jdbc_probe_" + ProcessHandle.current().pid();
        db.execute("CREATE ROLE " + role + " LOGIN");
        db.execute("GRANT SELECT ON " + table + " TO " + role);
        try {
            db.execute("INSERT INTO " + table + " (name) VALUES ('first')");
            String yaml = "topic: db.test\nurl: " + db.url + "\nuser: " + role + "\ntable: " + table
                    + "\nmode: timestamp\ntimestamp_column: updated_at\npoll_interval: 100ms\n";
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    driver.pollFor(Duration.ofMillis(100));
                    return !context.isHealthy();
                });
                assertThat(context.unhealthyReason()).isEqualTo("source orders: reading open transactions: the database user"
                        + " needs membership in the role pg_read_all_stats, without which pg_stat_activity hides other users'"
                        + " transactions (GRANT pg_read_all_stats TO <user>) to see open transactions, or timestamp_delay set"
                        + " to fall back to a fixed delay");
            }
            assertThat(Database.task(yaml).check()).containsExactly("reading open transactions: the database user"
                    + " needs membership in the role pg_read_all_stats, without which pg_stat_activity hides other users'"
                    + " transactions (GRANT pg_read_all_stats TO <user>) to see open transactions, or timestamp_delay set"
                    + " to fall back to a fixed delay");

            RecordingSourceContext delayed = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml + "timestamp_delay: 200ms\n"), delayed)) {
                assertThat(ids(driver.pollUntil(1, Duration.ofSeconds(10)))).containsExactly(1L);
                assertThat(delayed.isHealthy()).isTrue();
            }
        } finally {
            db.dropTable(table);
            db.execute("DROP ROLE " + role);
        }
    }

    @Test
    void checkNamesEveryTableAndColumnProblem() throws Exception {
        Database db = Database.H2;
        String table = db.createTable();
        try {
            String yaml = db.connectionYaml() + "tables: [" + table + ", no_such_table]\nmode: timestamp\ntimestamp_column: changed_at\n";
            assertThat(Database.task(yaml).check()).containsExactly(
                    "table " + table + ": has no column changed_at (it has ID, NAME, UPDATED_AT)",
                    "table no_such_table: Table \"NO_SUCH_TABLE\" not found");
            assertThat(Database.task(db.connectionYaml() + "table: " + table + "\nmode: incrementing\nincrementing_column: id\n").check())
                    .isEmpty();
        } finally {
            db.dropTable(table);
        }
    }
}
