package io.tributary.plugins.jdbc;

import io.tributary.agent.config.YamlSettings;
import io.tributary.api.SourceTask;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The databases the tests run against, with the SQL that differs between them. */
enum Database {
    POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/test", "postgres",
            "id BIGSERIAL PRIMARY KEY, name VARCHAR(100), updated_at TIMESTAMPTZ NOT NULL DEFAULT now()",
            "now()"),
    MARIADB("jdbc:mariadb://127.0.0.1:3306/test", "root",
            "id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100), updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)",
            "NOW(6)"),
    H2("jdbc:h2:mem:tributary;DB_CLOSE_DELAY=-1", "sa",
            "id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100), updated_at TIMESTAMP(6) NOT NULL DEFAULT LOCALTIMESTAMP",
            "LOCALTIMESTAMP");

    private static final AtomicInteger TABLE_NUMBER = new AtomicInteger();

    final String url;
    final String user;
    /** Columns of the tests' table: id from a sequence, name, updated_at stamped by the database clock. */
    final String columns;
    /** The database clock as the writing transaction sees it. */
    final String now;

    Database(String url, String user, String columns, String now) {
        this.url = url;
        this.user = user;
        this.columns = columns;
        this.now = now;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, "");
    }

    /** Creates a table of {@link #columns} with a name no other test uses, and returns the name. */
    String createTable() throws SQLException {
        String table = "jdbc_test_" + ProcessHandle.current().pid() + "_" + TABLE_NUMBER.incrementAndGet();
        execute("CREATE TABLE " + table + " (" + columns + ")");
        return table;
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    void dropTable(String table) throws SQLException {
        execute("DROP TABLE IF EXISTS " + table);
    }

    /** Settings a source needs on this database beyond the test's own: H2 shows no open transactions. */
    String connectionYaml() {
        String yaml = "topic: db.test\nurl: " + url + "\nuser: " + user + "\n";
        return this == H2 ? yaml + "timestamp_delay: 300ms\n" : yaml;
    }

    /** A task from YAML settings that must be valid. */
    static JdbcSource task(String yaml) {
        YamlSettings settings = YamlSettings.parse(yaml);
        SourceTask task = new JdbcSourceType().create(settings);
        assertThat(settings.finish()).isEmpty();
        return (JdbcSource) task;
    }
}
