package io.tributary.plugins.jdbc;

import io.tributary.plugins.jdbc.Dialect.MissingPrivilegeException;
import io.tributary.plugins.jdbc.Dialect.OpenTransactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Finds each poll's horizon: the database time before which no transaction still open can have
 * stamped a row. Rows stamped before it are final; rows of open transactions stamp at or after their
 * start, which is at or after the horizon, so they cannot fall behind a checkpoint.
 *
 * <p>The horizon is the start of the oldest open transaction (or the database's now when none is
 * open), less the dialect's margin, less {@code timestamp_delay} when set. Without a view of open
 * transactions, it is now less {@code timestamp_delay}. Ids have a horizon of their own, as the
 * dialect's margin for them may be smaller.
 */
final class ReadWindow {
    private final Dialect dialect;
    private final Duration timestampDelay;
    private final Logger logger;
    private boolean useOpenTransactions;

    /** @param timestampDelay null when not configured */
    ReadWindow(Dialect dialect, Duration timestampDelay, Logger logger) {
        this.dialect = dialect;
        this.timestampDelay = timestampDelay;
        this.logger = logger;
        this.useOpenTransactions = dialect.seesOpenTransactions();
    }

    /** The window as the database sees it now. */
    Window read(Connection connection) throws SQLException {
        if (useOpenTransactions) {
            try {
                OpenTransactions open = dialect.readOpenTransactions(connection);
                Instant base = open.oldestStart() == null || open.oldestStart().isAfter(open.now())
                        ? open.now() : open.oldestStart();
                return new Window(open.now(), base.minus(dialect.timestampMargin()).minus(delay()),
                        base.minus(dialect.idMargin()).minus(delay()));
            } catch (MissingPrivilegeException e) {
                if (timestampDelay == null) {
                    throw new SQLException(e.getMessage() + " to see open transactions, or timestamp_delay set"
                            + " to fall back to a fixed delay", e);
                }
                logger.warn("{}; falling back to timestamp_delay {}", e.getMessage(), timestampDelay);
                useOpenTransactions = false;
            }
        }
        Instant now = dialect.now(connection);
        return new Window(now, now.minus(delay()), now.minus(delay()));
    }

    private Duration delay() {
        return timestampDelay == null ? Duration.ZERO : timestampDelay;
    }

    /**
     * @param now       the database's time when the window was read
     * @param horizon   rows stamped before it are final
     * @param idHorizon ids observed committed at or before it are final
     */
    record Window(Instant now, Instant horizon, Instant idHorizon) {
        Duration lag() {
            return Duration.between(horizon, now);
        }
    }
}
