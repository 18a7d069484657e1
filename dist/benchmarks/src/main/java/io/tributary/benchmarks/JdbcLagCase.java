package io.tributary.benchmarks;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Case 4, lag: how long a row takes from its {@code COMMIT} returning in PostgreSQL to being
 * visible to a {@code read_committed} consumer, with rows inserted at a steady pace, one per
 * transaction. The inserter and the consumer share this JVM's clock. A row waits for the source's
 * next poll (at most {@code poll_interval}) and then for the agent's transaction to commit (at most
 * {@code commit_interval}), so their sum is the limit.
 */
final class JdbcLagCase {
    private static final String CASE_NAME = "4. jdbc lag, COMMIT returned → visible read_committed "
            + "(PostgreSQL, incrementing, one row per transaction)";
    private static final String TABLE = "tributary_bench_lag";
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    private static final long LIMIT_MILLIS = POLL_INTERVAL.toMillis() + COMMIT_INTERVAL.toMillis();
    private static final Duration INSERT_INTERVAL = Duration.ofMillis(50);
    /* The first rows wait for the source's first polls after its start, which a running source does not. */
    private static final int WARMUP_ROWS = 40;
    private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(30);

    private final Session session;
    private final Report report;

    JdbcLagCase(Session session, Report report) {
        this.session = session;
        this.report = report;
    }

    void run() {
        String target = "p99 ≤ " + LIMIT_MILLIS + " ms";
        List<Double> p50s = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        try (Connection connection = Postgres.connect()) {
            report.describe("PostgreSQL", Postgres.serverVersion(connection) + " at " + Postgres.URL);
            for (int run = 1; run <= session.scale().runs(); run++) {
                long[] lags = measure("jdbc-lag-r" + run, connection);
                long p50 = Stats.percentile(lags, 50);
                long p99 = Stats.percentile(lags, 99);
                report.run(String.format("jdbc-lag-r%d: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d rows, one every "
                                + "%d ms; load %s", run, p50 / 1e6, p99 / 1e6, Stats.percentile(lags, 100) / 1e6,
                        lags.length, INSERT_INTERVAL.toMillis(), Machine.loadAverage()));
                p50s.add(p50 / 1e6);
                p99s.add(p99 / 1e6);
            }
        } catch (SQLException e) {
            report.add(Row.failed(CASE_NAME, target, "PostgreSQL at " + Postgres.URL + ": " + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            report.add(Row.failed(CASE_NAME, target, Figures.firstLine(e)));
            return;
        }
        double p99 = Stats.median(p99s);
        report.add(Row.measured(CASE_NAME,
                String.format("p50 %.1f ms, p99 %.1f ms", Stats.median(p50s), p99),
                "poll_interval " + POLL_INTERVAL.toMillis() + " ms + commit_interval " + COMMIT_INTERVAL.toMillis()
                        + " ms = " + LIMIT_MILLIS + " ms",
                p99 / LIMIT_MILLIS, target, p99 <= LIMIT_MILLIS));
    }

    /** The lags in nanoseconds of the measured rows, after the warm-up rows. */
    private long[] measure(String name, Connection connection) throws SQLException {
        int total = WARMUP_ROWS + session.scale().jdbcLagRows();
        String topic = "bench-" + name;
        Postgres.execute(connection, "DROP TABLE IF EXISTS " + TABLE);
        Postgres.execute(connection, "CREATE TABLE " + TABLE + " (id BIGSERIAL PRIMARY KEY, note TEXT NOT NULL)");
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
                    poll_interval: %dms
                """.formatted(topic, Postgres.URL, Postgres.USER, TABLE, POLL_INTERVAL.toMillis());
        Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        Map<Long, Long> visibleAt = new TreeMap<>();
        AtomicInteger inserted = new AtomicInteger();
        AtomicReference<Exception> insertFailure = new AtomicReference<>();
        try (Connection inserts = Postgres.connect();
             PreparedStatement insert = inserts.prepareStatement("INSERT INTO " + TABLE + " (note) VALUES (?) RETURNING id");
             Agent agent = Agent.start(session, session.runDir(name), "bench-" + name,
                     Map.of("commit_interval", COMMIT_INTERVAL.toMillis() + "ms"), sources, session.profile(name));
             KafkaConsumer<byte[], byte[]> consumer = session.topics().consumer()) {
            inserts.setAutoCommit(false);
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            consumer.poll(Duration.ZERO);
            ScheduledExecutorService inserter = Executors.newSingleThreadScheduledExecutor();
            try {
                inserter.scheduleAtFixedRate(() -> {
                    if (inserted.get() < total && insertFailure.get() == null) {
                        try {
                            insert.setString(1, name + " row " + inserted.get());
                            long id;
                            try (ResultSet result = insert.executeQuery()) {
                                result.next();
                                id = result.getLong(1);
                            }
                            inserts.commit();
                            committedAt.put(id, System.nanoTime());
                            inserted.incrementAndGet();
                        } catch (SQLException | RuntimeException e) {
                            insertFailure.set(e);
                        }
                    }
                }, 0, INSERT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                long deadline = System.nanoTime() + total * INSERT_INTERVAL.toNanos() + ARRIVAL_TIMEOUT.toNanos();
                while (visibleAt.size() < total) {
                    if (insertFailure.get() != null) {
                        throw new IllegalStateException(name + ": inserting row " + inserted.get() + " failed: "
                                + insertFailure.get().getMessage(), insertFailure.get());
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(name + ": " + visibleAt.size() + " of " + total
                                + " rows arrived, " + inserted.get() + " inserted");
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(5))) {
                        long arrived = System.nanoTime();
                        visibleAt.putIfAbsent(Long.parseLong(new String(record.key(), StandardCharsets.UTF_8)), arrived);
                    }
                }
            } finally {
                stop(inserter);
            }
            agent.stop();
            return lags(visibleAt, committedAt);
        } finally {
            session.topics().delete(topic);
            Postgres.execute(connection, "DROP TABLE IF EXISTS " + TABLE);
        }
    }

    /** Stops the inserter and waits for an insert under way, before its connection closes. */
    private static void stop(ScheduledExecutorService inserter) {
        inserter.shutdownNow();
        try {
            if (!inserter.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("an insert still ran 30 s after the inserter was stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the inserter", e);
        }
    }

    /** The lags of the rows after the first {@link #WARMUP_ROWS}, in id (and so commit) order. */
    private static long[] lags(Map<Long, Long> visibleAt, Map<Long, Long> committedAt) {
        List<Long> ids = new ArrayList<>(visibleAt.keySet());
        long[] lags = new long[ids.size() - WARMUP_ROWS];
        for (int i = WARMUP_ROWS; i < ids.size(); i++) {
            Long committed = committedAt.get(ids.get(i));
            if (committed == null) {
                throw new IllegalStateException("row " + ids.get(i) + " arrived but was never inserted by this run");
            }
            lags[i - WARMUP_ROWS] = visibleAt.get(ids.get(i)) - committed;
        }
        return lags;
    }
}
