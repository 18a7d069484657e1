package io.tributary.plugins.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writers on one table with columns {@code id} (from a sequence), {@code name}, {@code updated_at}
 * (stamped by the database clock) and {@code version}: each inserts rows and updates rows it
 * inserted, bumping {@code version} and {@code updated_at}. Fast writers commit one short transaction
 * after another; slow writers hold every transaction open for {@link #HOLD_OPEN} before committing,
 * while the fast ones commit rows stamped later. They write until {@link #finish()}. Everything runs
 * on a scheduler, so nothing sleeps.
 */
final class ConcurrentWriters implements AutoCloseable {
    static final Duration HOLD_OPEN = Duration.ofMillis(1200);
    private static final Duration FAST_PACE = Duration.ofMillis(20);

    /** Opens a connection to the database written to. */
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final String table;
    private final String now;
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<Void> slowDone;
    /** One per fast writer: completed exceptionally when it failed. */
    private final List<CompletableFuture<Void>> fastWriterFailures = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();
    private final List<ScheduledFuture<?>> fastWriters = new ArrayList<>();
    private final int slowWriters;
    private volatile boolean finishing;

    /**
     * @param now the database clock as the writing statement sees it, e.g. {@code now()}
     */
    ConcurrentWriters(Connector connector, String table, String now, int fastWriters, int slowWriters) {
        this.connector = connector;
        this.table = table;
        this.now = now;
        this.slowWriters = slowWriters;
        this.scheduler = Executors.newScheduledThreadPool(fastWriters + slowWriters);
        this.slowDone = new CompletableFuture<>();
        for (int i = 0; i < fastWriters; i++) {
            fastWriterFailures.add(new CompletableFuture<>());
        }
    }

    /** Starts every writer; the fast ones write until the slow ones committed their last transaction. */
    ConcurrentWriters start() throws SQLException {
        List<CompletableFuture<Void>> slow = new ArrayList<>();
        for (int i = 0; i < slowWriters; i++) {
            SlowWriter writer = new SlowWriter(open());
            slow.add(writer.done);
            scheduler.execute(writer::begin);
        }
        CompletableFuture.allOf(slow.toArray(CompletableFuture[]::new)).whenComplete((ok, failure) -> {
            fastWriters.forEach(writer -> writer.cancel(false));
            if (failure != null) {
                slowDone.completeExceptionally(failure);
            } else {
                slowDone.complete(null);
            }
        });
        for (CompletableFuture<Void> failure : fastWriterFailures) {
            Writer writer = new Writer(open());
            fastWriters.add(scheduler.scheduleWithFixedDelay(() -> {
                try {
                    writer.writeOneTransaction();
                } catch (SQLException | RuntimeException e) {
                    failure.completeExceptionally(e);
                    throw new IllegalStateException(e);
                }
            }, 0, FAST_PACE.toMillis(), TimeUnit.MILLISECONDS));
        }
        return this;
    }

    boolean isDone() {
        return slowDone.isDone();
    }

    /** Lets each slow writer commit the transaction it holds open and stop; then the fast ones stop. */
    void finish() {
        finishing = true;
    }

    /** Waits until every writer stopped after {@link #finish()}; rethrows what made one fail. */
    void awaitDone(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        slowDone.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.shutdown();
        if (!scheduler.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("writers still run after " + timeout);
        }
        for (CompletableFuture<Void> failure : fastWriterFailures) {
            if (failure.isCompletedExceptionally()) {
                failure.get();
            }
        }
    }

    private Connection open() throws SQLException {
        Connection connection = connector.connect();
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        synchronized (connections) {
            connections.add(connection);
        }
        return connection;
    }

    @Override
    public void close() throws SQLException {
        scheduler.shutdownNow();
        synchronized (connections) {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    /** Inserts and updates its own rows, one transaction per call. */
    private class Writer {
        final Connection connection;
        final List<Long> ids = new ArrayList<>();
        int inserted;

        Writer(Connection connection) {
            this.connection = connection;
        }

        void writeOneTransaction() throws SQLException {
            writeInOpenTransaction();
            connection.commit();
        }

        /** Inserts a row, and sometimes updates one of the rows inserted before, without committing. */
        void writeInOpenTransaction() throws SQLException {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (!ids.isEmpty() && random.nextInt(3) == 0) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE " + table + " SET version = version + 1, updated_at = " + now + " WHERE id = ?")) {
                    update.setLong(1, ids.get(random.nextInt(ids.size())));
                    update.executeUpdate();
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + table + " (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, Thread.currentThread().getName() + "-" + ++inserted);
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    ids.add(keys.getLong(1));
                }
            }
        }
    }

    /** Holds each transaction open for {@link #HOLD_OPEN}, then commits and begins the next. */
    private final class SlowWriter extends Writer {
        final CompletableFuture<Void> done = new CompletableFuture<>();

        SlowWriter(Connection connection) {
            super(connection);
        }

        void begin() {
            try {
                writeInOpenTransaction();
                scheduler.schedule(this::commit, HOLD_OPEN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (SQLException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }

        void commit() {
            try {
                connection.commit();
                if (finishing) {
                    done.complete(null);
                } else {
                    scheduler.execute(this::begin);
                }
            } catch (SQLException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }
    }
}
