package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Case 4: a PostgreSQL table into Kafka by the jdbc source in incrementing mode, against a bare JDBC
 * scan of the same table with the same fetch size ({@link BareScan}). Both run in a JVM started for
 * the run, with the same JVM options, and both are timed from their first row or record to their
 * last.
 */
final class JdbcCase {
    static final String TRIBUTARY = "Tributary jdbc";
    static final String BARE_SCAN = "bare JDBC scan";
    static final String PRODUCER_PERFORMANCE = "ProducerPerformance";

    private static final String TABLE = "tributary_bench_rows";
    private static final int FETCH_SIZE = 500;
    private static final int BATCH_MAX_ROWS = 10_000;
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final Duration BARE_SCAN_TIMEOUT = Duration.ofMinutes(5);

    private final Session session;
    private final Report report;

    JdbcCase(Session session, Report report) {
        this.session = session;
        this.report = report;
    }

    void run() {
        int rows = session.scale().jdbcRows();
        try (Connection connection = Postgres.connect()) {
            report.describe("PostgreSQL", Postgres.serverVersion(connection) + " at " + Postgres.URL);
            report.describe("Case 4 (jdbc) measures", "both contenders from their first row or record to their last: "
                    + "the bare scan from its first row returned to its last read (in a JVM of its own with the "
                    + "agent's JVM options), Tributary from the broker's append of its first record to its last. "
                    + "The bare scan runs one SELECT * ORDER BY id; Tributary runs its paged queries, as it does in "
                    + "production: batch_max_rows " + BATCH_MAX_ROWS + ", so " + pages(rows) + " queries SELECT * "
                    + "WHERE id > last AND id <= bound ORDER BY id LIMIT " + BATCH_MAX_ROWS + " (and a MAX(id) and a "
                    + "pg_stat_activity query per window); fetch size " + FETCH_SIZE + " for both");
            createTable(connection, rows);
            int rowBytes = averageRowJsonBytes(connection);
            report.describe("Case 4 (jdbc) ProducerPerformance", "writes as many records as the table has rows, of "
                    + rowBytes + " B each (the table's average row_to_json size, close to the agent's JSON of a row), "
                    + "transactions of 100 ms, as case 1 runs it");
            FileThroughputCase producerPerformance = new FileThroughputCase(session, report);
            try {
                Figures figures = new Figures();
                for (int run = 1; run <= session.scale().runs(); run++) {
                    String suffix = "r" + run;
                    figures.measure(BARE_SCAN, () -> bareScan(rows, suffix));
                    figures.measure(TRIBUTARY, () -> tributary(rows, suffix));
                    figures.measure(PRODUCER_PERFORMANCE, () -> {
                        MachineCpu cpu = MachineCpu.now();
                        double rate = producerPerformance.producerPerformance(rows, rowBytes, "jdbc-" + suffix);
                        report.run(String.format("producer-performance-jdbc-%s: %s", suffix, cpu.usedSince(rows, "record")));
                        return rate;
                    });
                }
                Figures.Format format = figure -> String.format("%,.0f rows/s", figure);
                report.add(figures.compare("4. jdbc (PostgreSQL, incrementing, " + pages(rows) + " paged queries) vs "
                        + "bare JDBC scan (one query), fetch size " + FETCH_SIZE + ", first row → last",
                        TRIBUTARY, BARE_SCAN, 0.8, format));
                report.add(figures.compare("4. jdbc vs ProducerPerformance, records of " + rowBytes + " B",
                        TRIBUTARY, PRODUCER_PERFORMANCE, 0.8, format));
            } finally {
                Postgres.execute(connection, "DROP TABLE IF EXISTS " + TABLE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + Postgres.URL + ": " + e.getMessage(), e);
        }
    }

    /** The rows' average size as JSON, by PostgreSQL's row_to_json: what ProducerPerformance's records weigh. */
    private static int averageRowJsonBytes(Connection connection) throws SQLException {
        try (var statement = connection.createStatement();
             var result = statement.executeQuery("SELECT round(avg(octet_length(row_to_json(t)::text))) FROM " + TABLE + " t")) {
            result.next();
            return result.getInt(1);
        }
    }

    private static int pages(int rows) {
        return (rows + BATCH_MAX_ROWS - 1) / BATCH_MAX_ROWS;
    }

    private static void createTable(Connection connection, int rows) throws SQLException {
        Postgres.execute(connection, "DROP TABLE IF EXISTS " + TABLE);
        Postgres.execute(connection, "CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, customer TEXT NOT NULL, "
                + "amount NUMERIC(12, 2) NOT NULL, status TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, note TEXT)");
        Postgres.execute(connection, "INSERT INTO " + TABLE + " SELECT n, 'customer-' || (n % 10000), "
                + "(n % 100000) / 100.0, (ARRAY['new','paid','shipped'])[1 + n % 3], "
                + "TIMESTAMPTZ '2024-01-01 00:00:00Z' + n * INTERVAL '1 second', "
                + "md5(n::text) || md5((n + 1)::text) FROM generate_series(1, " + rows + ") AS n");
        Postgres.execute(connection, "VACUUM ANALYZE " + TABLE);
    }

    private double bareScan(int rows, String suffix) {
        String name = "bare-scan-" + suffix;
        Path log = session.runDir(name).resolve("output.log");
        BareScan.Result result;
        MachineCpu cpu = MachineCpu.now();
        try (Child child = Child.java(BARE_SCAN, log, Agent.PRODUCTION_JVM_OPTIONS, BareScan.class.getName(),
                List.of(Postgres.URL, Postgres.USER, TABLE, Integer.toString(FETCH_SIZE)))) {
            child.awaitSuccess(BARE_SCAN_TIMEOUT);
            result = BareScan.Result.parse(Files.readAllLines(log));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        if (result.rows() != rows) {
            throw new IllegalStateException("the bare scan read " + result.rows() + " rows, expected " + rows);
        }
        report.run(String.format("%s: %,.0f rows/s, %d rows in %.2f s from the first row to the last; %s; load %s",
                name, result.rowsPerSecond(), rows, result.firstToLastNanos() / 1e9, cpu.usedSince(rows, "row"),
                Machine.loadAverage()));
        return result.rowsPerSecond();
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
                    batch_max_rows: %d
                    fetch_size: %d
                """.formatted(topic, Postgres.URL, Postgres.USER, TABLE, BATCH_MAX_ROWS, FETCH_SIZE);
        MachineCpu cpu = MachineCpu.now();
        try (Agent agent = Agent.start(session, session.runDir(name), "bench-" + name, Map.of(), sources,
                session.profile(name))) {
            Delivery delivery = session.topics().await(topic, rows, STALL);
            String cpuUsed = cpu.usedSince(rows, "row");
            agent.stop();
            if (delivery.records() != rows) {
                throw new IllegalStateException(name + " delivered " + delivery.records() + " rows, expected " + rows);
            }
            report.run(String.format("%s: %,.0f rows/s, %d rows in %.2f s between first and last append; %s; load %s",
                    name, delivery.recordsPerSecond(), rows,
                    (delivery.lastAppendMillis() - delivery.firstAppendMillis()) / 1000.0, cpuUsed, Machine.loadAverage()));
            return delivery.recordsPerSecond();
        } finally {
            session.topics().delete(topic);
        }
    }
}
