package io.tributary.plugins.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.agent.config.YamlSettings;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database whose driver the plugin does not ship: SQLite, its driver jar named in
 * {@code driver_jars}. The jar is not on the test class path, so only {@code driver_jars} can find it.
 */
class DriverJarsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Path jar;
    private String url;
    private URLClassLoader testLoader;

    @BeforeEach
    void createTable() throws Exception {
        jar = Path.of(System.getProperty("tributary.driver.jar"));
        url = "jdbc:sqlite:" + dir.resolve("readings.db");
        testLoader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, DriverJarsTest.class.getClassLoader());
        execute("CREATE TABLE readings (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL)");
    }

    @AfterEach
    void closeLoader() throws IOException {
        testLoader.close();
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverDataSource.findDriver(url, testLoader).orElseThrow().connect(url, new Properties());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void insert(int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            execute("INSERT INTO readings (sensor) VALUES ('sensor')");
        }
    }

    @Test
    void findsTheDriverInAJarMatchedByAGlobRelativeToTheConfigFolder() throws Exception {
        Path relativeFolder = Path.of("").toAbsolutePath().relativize(jar.getParent());
        YamlSettings settings = YamlSettings.parse("topic: t\nurl: jdbc:sqlite:/tmp/x.db\ntable: orders\nmode: bulk\n"
                + "driver_jars: [\"" + relativeFolder + "/sqlite-*.jar\"]\n");
        JdbcSourceConfig config = JdbcSourceType.readConfig(settings);
        assertThat(settings.finish()).isEmpty();
        assertThat(config.driver().getClass().getName()).isEqualTo("org.sqlite.JDBC");
        assertThat(config.driver().getClass().getClassLoader().getParent()).isSameAs(JdbcSourceType.class.getClassLoader());
    }

    @Test
    void entriesThatNameNoJarAreErrors() {
        assertThat(JdbcSourceTypeTest.errors("topic: t\nurl: jdbc:sqlite:/tmp/x.db\ntable: orders\nmode: bulk\n"
                + "driver_jars: [" + dir + "/missing.jar, \"" + dir + "/*.jar\"]\n")).containsExactly(
                "<settings>:2:1: url: no JDBC driver accepts urls starting with jdbc:sqlite:; the plugin ships PostgreSQL"
                        + " (jdbc:postgresql:), MariaDB/MySQL (jdbc:mariadb:) and H2 (jdbc:h2:), others load from the jars named"
                        + " in driver_jars",
                "<settings>:5:1: driver_jars: \"" + dir + "/missing.jar\" names no jar file (looked in " + dir + "/missing.jar)",
                "<settings>:5:1: driver_jars: \"" + dir + "/*.jar\" names no jar file (looked in " + dir + ")");
    }

    @Test
    void readsADatabaseWithoutFetchFirstInPagesInIncrementingMode() throws Exception {
        insert(5);
        String yaml = "topic: t\nurl: " + url + "\ndriver_jars: " + jar + "\ntable: readings\nmode: incrementing\n"
                + "incrementing_column: id\ntimestamp_delay: 0s\npoll_interval: 100ms\nbatch_max_rows: 2\n";
        RecordingSourceContext context = new RecordingSourceContext("readings", dir, Map.of());
        try (TaskDriver driver = TaskDriver.start(Database.task(yaml), context)) {
            assertThat(ids(driver.pollUntil(5, TIMEOUT))).containsExactly(1L, 2L, 3L, 4L, 5L);
            insert(2);
            assertThat(ids(driver.pollUntil(2, TIMEOUT))).containsExactly(6L, 7L);
            assertThat(context.counter("jdbc.poll.errors")).isZero();
        }
    }

    private static List<Long> ids(List<SourceRecord> records) {
        return records.stream().map(record -> {
            try {
                return JSON.readTree(record.value()).get("id").asLong();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
