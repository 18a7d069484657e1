package io.tributary.plugins.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tributary.api.PluginMetrics;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import io.tributary.plugins.jdbc.ReadWindow.Window;
import io.tributary.plugins.jdbc.TableReader.Page;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls tables (or one query) over JDBC: each poll reads, per table that is due, one page of rows
 * that are new or changed since its position and final (see {@link ReadWindow}), and turns each
 * row into a JSON record whose checkpoint is the row's timestamp and/or id.
 *
 * <p>When the database cannot be reached or a statement fails, the source reports itself unhealthy
 * with a message naming the table, keeps its positions and retries with a backoff up to a minute.
 */
public final class JdbcSource implements SourceTask {
    static final String SOURCE_HEADER = "tributary.source";
    static final String STREAM_HEADER = "tributary.table";
    static final Duration LONGEST_WAIT_IN_POLL = Duration.ofSeconds(1);
    static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    static final Duration LONGEST_RETRY_DELAY = Duration.ofMinutes(1);

    private final JdbcSourceConfig config;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean stopping;
    private SourceContext context;
    private Logger logger;
    private HikariDataSource pool;
    private ReadWindow readWindow;
    private final Map<String, TableReader> readers = new LinkedHashMap<>();
    private TableReader runningBulkPass;
    private PluginMetrics.Counter rowsRead;
    private PluginMetrics.Counter polls;
    private PluginMetrics.Counter pollErrors;
    private volatile double windowLagSeconds;
    private int consecutiveFailures;
    private Instant retryAt = Instant.MIN;
    private String failure;

    JdbcSource(JdbcSourceConfig config) {
        this.config = config;
    }

    @Override
    public void start(SourceContext context) {
        this.context = context;
        this.logger = context.logger();
        for (String stream : config.streams()) {
            readers.put(stream, new TableReader(config, context.sourceName(), stream, context.committedPositions().get(stream)));
        }
        PluginMetrics metrics = context.metrics();
        rowsRead = metrics.counter("jdbc.rows.read", "Rows read from the database and handed over as records");
        polls = metrics.counter("jdbc.polls", "Polls that queried the database");
        pollErrors = metrics.counter("jdbc.poll.errors", "Polls that failed: database unreachable, bad SQL, missing privileges");
        metrics.gauge("jdbc.window.lag.seconds",
                "How far behind the database clock the read horizon is: the age of the oldest open transaction, plus margins",
                () -> windowLagSeconds);
        readWindow = new ReadWindow(config.dialect(), config.timestampDelay(), logger);
        pool = new HikariDataSource(poolConfig(context.sourceName()));
        logger.info("source {}: polling {} in mode {} from {}", context.sourceName(), config.streams(),
                config.mode().settingValue(), config.dialect().displayName());
    }

    private HikariConfig poolConfig(String sourceName) {
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(dataSource());
        hikari.setConnectionInitSql(config.dialect().sessionInitSql());
        hikari.setPoolName("tributary-jdbc-" + sourceName);
        hikari.setMaximumPoolSize(config.pool().maxSize());
        hikari.setMinimumIdle(0);
        hikari.setConnectionTimeout(config.pool().connectionTimeout().toMillis());
        hikari.setIdleTimeout(config.pool().idleTimeout().toMillis());
        hikari.setMaxLifetime(config.pool().maxLifetime().toMillis());
        // PostgreSQL fetches in pages only inside a transaction; each statement then sees every
        // commit before it, which the read window relies on.
        hikari.setAutoCommit(false);
        if (config.dialect().takesSessionSettings()) {
            hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            hikari.setReadOnly(true);
        }
        // Start even when the database is down: polls report it and retry.
        hikari.setInitializationFailTimeout(-1);
        return hikari;
    }

    private DriverDataSource dataSource() {
        return new DriverDataSource(config.driver(), config.url(), config.user(), config.password(),
                config.dialect().connectionProperties(config.queryTimeout()), config.queryTimeout());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return List.of();
        }
        Instant due = nextDue();
        Instant now = Instant.now();
        if (now.isBefore(due)) {
            long waitMillis = Math.min(Duration.between(now, due).toMillis() + 1, LONGEST_WAIT_IN_POLL.toMillis());
            if (stopSignal.await(waitMillis, TimeUnit.MILLISECONDS) || Instant.now().isBefore(due)) {
                return List.of();
            }
        }
        polls.increment();
        List<SourceRecord> records = new ArrayList<>();
        try {
            if (config.mode() == Mode.BULK) {
                readBulk(records);
            } else {
                readDue(records);
            }
            recovered();
        } catch (StepFailedException e) {
            failed(e);
        }
        rowsRead.increment(records.size());
        return records;
    }

    private Instant nextDue() {
        Instant due = runningBulkPass != null ? Instant.MIN
                : readers.values().stream().map(TableReader::nextDue).min(Instant::compareTo).orElseThrow();
        return due.isAfter(retryAt) ? due : retryAt;
    }

    private List<TableReader> dueReaders() {
        Instant now = Instant.now();
        return readers.values().stream().filter(reader -> !reader.nextDue().isAfter(now)).toList();
    }

    /**
     * One page of every table that is due; records of tables read before a failure are kept. A
     * table draining a window reads its next page in it; the others read in a new window.
     */
    private void readDue(List<SourceRecord> records) throws StepFailedException {
        List<TableReader> due = dueReaders();
        List<TableReader> needingWindow = due.stream().filter(reader -> reader.windowBeingDrained() == null).toList();
        String step = "cannot connect to the database";
        try (Connection connection = pool.getConnection()) {
            Window window = null;
            if (!needingWindow.isEmpty()) {
                Map<TableReader, Long> maxIds = new LinkedHashMap<>();
                for (TableReader reader : needingWindow) {
                    step = tableStep(reader);
                    prepare(reader, connection);
                    if (config.mode() == Mode.INCREMENTING) {
                        maxIds.put(reader, reader.readMaxId(connection));
                    }
                }
                connection.commit();
                step = "reading open transactions";
                window = readWindow.read(connection);
                connection.commit();
                windowLagSeconds = window.lag().toNanos() / 1e9;
                for (TableReader reader : needingWindow) {
                    reader.observeMaxId(window.now(), maxIds.get(reader));
                }
            }
            for (TableReader reader : due) {
                step = tableStep(reader);
                Window readerWindow = reader.windowBeingDrained() == null ? window : reader.windowBeingDrained();
                Page page = reader.readPage(connection, readerWindow);
                connection.commit();
                records.addAll(page.records());
                reader.advance(page, readerWindow);
                reader.scheduleNext(Instant.now(), page.full());
            }
        } catch (SQLException e) {
            throw new StepFailedException(step, e);
        }
    }

    /** Prepares the reader once, and says where a timestamp column without a zone is compared. */
    private void prepare(TableReader reader, Connection connection) throws SQLException {
        if (reader.isPrepared()) {
            return;
        }
        reader.prepare(connection);
        if (config.mode().usesTimestamp() && !reader.timestampHasZone()) {
            String zone = config.dialect().zoneOfLocalTimestamps(connection);
            connection.commit();
            if (zone != null) {
                logger.info("source {}: {}: {} has no time zone: it is compared as wall-clock time in {}, where the writers"
                        + " must stamp it", context.sourceName(), tableStep(reader), config.timestampExpression(), zone);
            }
        }
    }

    /** The next page of the bulk pass that runs, or of a new pass over the next table due. */
    private void readBulk(List<SourceRecord> records) throws StepFailedException {
        TableReader reader = runningBulkPass;
        if (reader == null) {
            List<TableReader> due = dueReaders();
            if (due.isEmpty()) {
                return;
            }
            reader = due.get(0);
        }
        try {
            Page page = reader.readBulk(pool);
            records.addAll(page.records());
            runningBulkPass = page.full() ? reader : null;
            if (!page.full()) {
                reader.scheduleNext(Instant.now(), false);
            }
        } catch (SQLException e) {
            runningBulkPass = null;
            throw new StepFailedException(tableStep(reader), e);
        }
    }

    private static String tableStep(TableReader reader) {
        return JdbcSourceConfig.QUERY_STREAM.equals(reader.stream()) ? "query" : "table " + reader.stream();
    }

    private void failed(StepFailedException e) {
        consecutiveFailures++;
        pollErrors.increment();
        long delayMillis = Math.min(FIRST_RETRY_DELAY.toMillis() << Math.min(consecutiveFailures - 1, 16), LONGEST_RETRY_DELAY.toMillis());
        Duration delay = Duration.ofMillis(delayMillis);
        retryAt = Instant.now().plus(delay);
        String reason = "source " + context.sourceName() + ": " + e.getMessage();
        context.unhealthy(reason);
        if (!reason.equals(failure)) {
            logger.warn("{}; retrying in {} s and then with backoff, keeping the position", reason, delay.toSeconds(), e.getCause());
        } else {
            logger.debug("{}; retrying in {} s", reason, delay.toSeconds());
        }
        failure = reason;
    }

    private void recovered() {
        if (consecutiveFailures > 0) {
            logger.info("source {}: reading again after {} failed polls", context.sourceName(), consecutiveFailures);
            consecutiveFailures = 0;
            failure = null;
            retryAt = Instant.MIN;
            context.healthy();
        }
    }

    /**
     * Connects once and checks what running needs: every table readable with the configured
     * columns, and the view of open transactions readable. Returns one message per problem, each
     * starting with the source's YAML path; empty when all is well. Meant for
     * {@code tributary validate}.
     */
    @Override
    public List<String> check() {
        List<String> problems = new ArrayList<>();
        String prefix = config.settingsPath().isEmpty() ? "" : config.settingsPath() + ": ";
        try (Connection connection = dataSource().getConnection()) {
            if (config.dialect().sessionInitSql() != null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(config.dialect().sessionInitSql());
                }
            }
            connection.setAutoCommit(false);
            if (config.dialect().takesSessionSettings()) {
                connection.setReadOnly(true);
            }
            for (String stream : config.streams()) {
                TableReader reader = new TableReader(config, "", stream, null);
                try {
                    reader.prepare(connection);
                } catch (SQLException e) {
                    problems.add(prefix + tableStep(reader) + ": " + SqlErrors.describe(e));
                    connection.rollback();
                }
            }
            if (config.mode() != Mode.BULK) {
                try {
                    new ReadWindow(config.dialect(), config.timestampDelay(), LoggerFactory.getLogger(JdbcSource.class)).read(connection);
                } catch (SQLException e) {
                    problems.add(prefix + "reading open transactions: " + SqlErrors.describe(e));
                }
            }
            connection.rollback();
        } catch (SQLException e) {
            problems.add(prefix + "cannot connect to the database: " + SqlErrors.describe(e));
        }
        return problems;
    }

    @Override
    public void stop() {
        stopping = true;
        stopSignal.countDown();
    }

    @Override
    public void close() {
        readers.values().forEach(TableReader::close);
        if (pool != null) {
            pool.close();
        }
    }

    /** A poll step failed; the message says which step and why. */
    private static final class StepFailedException extends Exception {
        StepFailedException(String step, SQLException cause) {
            super(step + ": " + SqlErrors.describe(cause), cause);
        }
    }
}
