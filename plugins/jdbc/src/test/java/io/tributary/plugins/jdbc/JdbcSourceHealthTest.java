package io.tributary.plugins.jdbc;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static io.tributary.plugins.jdbc.Records.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JdbcSourceHealthTest {
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dataDir;

    private static void awaitUnhealthy(TaskDriver driver, RecordingSourceContext context, Duration timeout) {
        await().atMost(timeout).until(() -> {
            driver.pollFor(Duration.ofMillis(100));
            return !context.isHealthy();
        });
    }

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

    @Test
    void aMariadbUserWithoutTheProcessPrivilegeIsToldToGrantItOrFallsBackToTheDelay() throws Exception {
        Database db = Database.MARIADB;
        String table = db.createTable();
        String user = "jdbc_probe_" + PID;
        db.execute("CREATE USER '" + user + "'@'%'");
        db.execute("GRANT SELECT ON test." + table + " TO '" + user + "'@'%'");
        try {
            db.execute("INSERT INTO " + table + " (name) VALUES ('first')");
            String yaml = "topic: db.test\nurl: " + db.url + "\nuser: " + user + "\ntable: " + table
                    + "\nmode: timestamp+incrementing\ntimestamp_column: updated_at\nincrementing_column: id\npoll_interval: 100ms\n";
            String problem = "reading open transactions: the database user needs the PROCESS privilege to read"
                    + " information_schema.INNODB_TRX (GRANT PROCESS ON *.* TO <user>) to see open transactions, or"
                    + " timestamp_delay set to fall back to a fixed delay";
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                awaitUnhealthy(driver, context, Duration.ofSeconds(5));
                assertThat(context.unhealthyReason()).isEqualTo("source orders: " + problem);
            }
            assertThat(Database.task(yaml).check()).containsExactly(problem);

            RecordingSourceContext delayed = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml + "timestamp_delay: 200ms\n"), delayed)) {
                assertThat(ids(driver.pollUntil(1, Duration.ofSeconds(10)))).containsExactly(1L);
                assertThat(delayed.isHealthy()).isTrue();
            }
        } finally {
            db.dropTable(table);
            db.execute("DROP USER '" + user + "'@'%'");
        }
    }

    /**
     * A sequence caching ids hands each session a block of its own, so a row inserted later may take
     * a smaller id than rows already read: incrementing mode refuses it rather than skip such rows.
     */
    @Test
    void incrementingModeRefusesASequenceThatCachesIdsPerSession() throws Exception {
        Database db = Database.POSTGRESQL;
        String table = "jdbc_cached_" + PID;
        db.execute("CREATE TABLE " + table + " (id BIGINT GENERATED BY DEFAULT AS IDENTITY (CACHE 20) PRIMARY KEY,"
                + " name VARCHAR(100), updated_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        try {
            String yaml = db.connectionYaml() + "table: " + table + "\nmode: incrementing\nincrementing_column: id\npoll_interval: 100ms\n";
            String sequence = table + "_id_seq";
            String problem = "table " + table + ": the sequence " + sequence + " of id caches 20 ids per session, so ids"
                    + " are not taken in commit order and mode incrementing would skip rows: ALTER SEQUENCE " + sequence
                    + " CACHE 1, or use mode timestamp+incrementing";
            assertThat(Database.task(yaml).check()).containsExactly(problem);
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                awaitUnhealthy(driver, context, Duration.ofSeconds(5));
                assertThat(context.unhealthyReason()).isEqualTo("source orders: " + problem);
            }
            // There rows are ordered by their timestamp, which the open transactions hold back.
            assertThat(Database.task(yaml.replace("mode: incrementing", "mode: timestamp+incrementing")
                    + "timestamp_column: updated_at\n").check()).isEmpty();
            db.execute("ALTER SEQUENCE " + sequence + " CACHE 1");
            assertThat(Database.task(yaml).check()).isEmpty();
        } finally {
            db.dropTable(table);
        }
    }

    /**
     * A database that stops answering (a dropped network, a hung server) fails the poll after
     * query_timeout instead of blocking it forever, and is read again once it answers.
     */
    @Test
    void aDatabaseThatStopsAnsweringFailsThePollAfterTheQueryTimeoutAndIsReadAgainOnceItAnswers() throws Exception {
        Database db = Database.POSTGRESQL;
        String table = db.createTable();
        try (BlackHoleProxy proxy = new BlackHoleProxy(5432)) {
            db.execute("INSERT INTO " + table + " (name) VALUES ('first')");
            String yaml = "topic: db.test\nurl: jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test\nuser: postgres\ntable: " + table
                    + "\nmode: incrementing\nincrementing_column: id\npoll_interval: 100ms\nquery_timeout: 1s\n"
                    + "pool:\n  connection_timeout: 1s\n";
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
                assertThat(ids(driver.pollUntil(1, Duration.ofSeconds(10)))).containsExactly(1L);
                proxy.swallowEverything();
                awaitUnhealthy(driver, context, Duration.ofSeconds(8));
                assertThat(context.unhealthyReason()).matches("source orders: (reading open transactions|table " + table
                        + "): An I/O error occurred while sending to the backend\\. \\(Read timed out\\)"
                        + "|source orders: cannot connect to the database: .*request timed out after 1000ms.*");
                assertThat(context.counter("jdbc.poll.errors")).isPositive();

                proxy.restore();
                db.execute("INSERT INTO " + table + " (name) VALUES ('second')");
                assertThat(ids(driver.pollUntil(1, Duration.ofSeconds(20)))).containsExactly(2L);
                assertThat(context.isHealthy()).isTrue();
            }
        } finally {
            db.dropTable(table);
        }
    }

    @Test
    void thePasswordIsInNoLogLineAndNoMessage() throws Exception {
        Database db = Database.MARIADB;
        String user = "jdbc_secret_" + PID;
        String password = "pw-" + PID + "-never-shown";
        db.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'the-right-one'");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        // The agent's filter drops a warning logged within a minute of one alike, as earlier tests' were.
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        List<TurboFilter> filters = List.copyOf(logging.getTurboFilterList());
        logging.getTurboFilterList().clear();
        try {
            String yaml = "topic: db.test\nurl: " + db.url + "\nuser: " + user + "\npassword: " + password
                    + "\ntable: orders\nmode: timestamp\ntimestamp_column: updated_at\npool:\n  connection_timeout: 1s\n";
            JdbcSource task = Database.task(yaml);
            List<String> problems = task.check();
            assertThat(problems).singleElement().asString()
                    .startsWith("cannot connect to the database: Access denied for user '" + user + "'");
            RecordingSourceContext context = new RecordingSourceContext("orders", dataDir, Map.of());
            try (TaskDriver driver = TaskDriver.start(task, context)) {
                awaitUnhealthy(driver, context, Duration.ofSeconds(10));
                assertThat(context.unhealthyReason()).startsWith("source orders: cannot connect to the database: ");
            }
            List<String> logged = appender.list.stream().map(event -> event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()))).toList();
            assertThat(logged).anyMatch(line -> line.contains("Access denied for user '" + user + "'"));
            assertThat(logged).noneMatch(line -> line.contains(password));
            assertThat(problems).noneMatch(problem -> problem.contains(password));
            assertThat(context.unhealthyReason()).doesNotContain(password);
        } finally {
            logging.getTurboFilterList().addAll(filters);
            root.detachAppender(appender);
            db.execute("DROP USER '" + user + "'@'%'");
        }
    }
}
