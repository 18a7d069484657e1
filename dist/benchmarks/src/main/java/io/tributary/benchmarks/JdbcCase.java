package io.tributary.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * Case 4: a PostgreSQL table into Kafka by the jdbc source in incrementing mode, against a bare JDBC
 * scan of the same table with the same fetch size that reads every column as the conversion to
 * JSON must.
 */
final class JdbcCase {
    static final String TRIBUTARY = "Tributary jdbc";
    static final String BARE_SCAN = "bare JDBC scan";

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";
    private static final String TABLE = "tributary_bench_rows";
    private static final int FETCH_SIZE = 500;
    private static final Duration STALL = Duration.ofSeconds(60);

    private final Session session;
    private final Report report;

    JdbcCase(Session session, Report report) {
        this.session = session;
        this.report = report;
    }

    void run() {
        int rows = session.scale().jdbcRows();
        try (Connection connection = DriverManager.getConnection(URL, USER, "")) {
            createTable(connection, rows);
            try {
                Figures figures = new Figures();
                for (int run = 1; run <= session.scale().runs(); run++) {
                    String suffix = "r" + run;
                    figures.measure(BARE_SCAN, () -> bareScan(connection, rows, suffix));
                    figures.measure(TRIBUTARY, () -> tributary(rows, suffix));
                }
                report.add(figures.compare("4. jdbc (PostgreSQL, incrementing) vs bare JDBC scan, fetch size "
                        + FETCH_SIZE, TRIBUTARY, BARE_SCAN, 0.8, figure -> String.format("%,.0f rows/s", figure)));
            } finally {
                execute(connection, "DROP TABLE IF EXISTS " + TABLE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + URL + ": " + e.getMessage(), e);
        }
    }

    private static void createTable(Connection connection, int rows) throws SQLException {
        execute(connection, "DROP TABLE IF EXISTS " + TABLE);
        execute(connection, "CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, customer TEXT NOT NULL, "
                + "amount NUMERIC(12, 2) NOT NULL, status TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, note TEXT)");
        execute(connection, "INSERT INTO " + TABLE + " SELECT n, 'customer-' || (n % 10000), "
                + "(n % 100000) / 100.0, (ARRAY['new','paid','shipped'])[1 + n % 3], "
                + "TIMESTAMPTZ '2024-01-01 00:00:00Z' + n * INTERVAL '1 second', "
                + "md5(n::text) || md5((n + 1)::text) FROM generate_series(1, " + rows + ") AS n");
        execute(connection, "VACUUM ANALYZE " + TABLE);
    }

    private double bareScan(Connection connection, int rows, String suffix) {
        try {
            connection.setAutoCommit(false);
            long started = System.nanoTime();
            long read = 0;
            try (PreparedStatement statement = connection.prepareStatement("SELECT * FROM " + TABLE + " ORDER BY id")) {
                statement.setFetchSize(FETCH_SIZE);
                try (ResultSet result = statement.executeQuery()) {
                    int columns = result.getMetaData().getColumnCount();
                    Object[] row = new Object[columns];
                    while (result.next()) {
                        for (int column = 1; column <= columns; column++) {
                            row[column - 1] = result.getObject(column);
                        }
                        read++;
                    }
                }
            }
            connection.commit();
            connection.setAutoCommit(true);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (read != rows) {
                throw new IllegalStateException("the bare scan read " + read + " rows, expected " + rows);
            }
            report.run(String.format("bare-scan-%s: %,.0f rows/s, %d rows in %.2f s; load %s",
                    suffix, rows / seconds, rows, seconds, Machine.loadAverage()));
            return rows / seconds;
        } catch (SQLException e) {
            throw new IllegalStateException("bare scan: " + e.getMessage(), e);
        }
    }

    private double tributary(int rows, String suffix) {
        String name = "jdbc-" + suffix;
        String topic = "bench-" + name;
        session.topics().create(topic);
        String sources = """
                sources:
                  rows:
                    type: jdbc
                    topic: %s
                    url: %s
                    user: %s
                    table: %s
                    mode: incrementing
                    incrementing_column: id
                    fetch_size: %d
                """.formatted(topic, URL, USER, TABLE, FETCH_SIZE);
        try (Agent agent = Agent.start(session, session.runDir(name), "bench-" + name, Map.of(), sources,
                session.profile(name))) {
            Delivery delivery = session.topics().await(topic, rows, STALL);
            agent.stop();
            if (delivery.records() != rows) {
                throw new IllegalStateException(name + " delivered " + delivery.records() + " rows, expected " + rows);
            }
            report.run(String.format("%s: %,.0f rows/s, %d rows in %.2f s between first and last append; load %s",
                    name, delivery.recordsPerSecond(), rows,
                    (delivery.lastAppendMillis() - delivery.firstAppendMillis()) / 1000.0, Machine.loadAverage()));
            return delivery.recordsPerSecond();
        } finally {
            session.topics().delete(topic);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
