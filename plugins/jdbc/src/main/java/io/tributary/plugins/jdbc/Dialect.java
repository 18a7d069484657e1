package io.tributary.plugins.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * What differs between databases: how to page, read the clock and see open transactions.
 *
 * <p>Database times are handled as {@link Instant}s. Where the database clock has no zone (MariaDB's
 * {@code NOW()}, H2's {@code LOCALTIMESTAMP}) the instant is the wall-clock reading taken as UTC,
 * and it goes back to the database the same way; only differences and order matter here.
 */
enum Dialect {
    POSTGRESQL("PostgreSQL", Duration.ZERO) {
        @Override
        OpenTransactions readOpenTransactions(Connection connection) throws SQLException {
            // xact_start of every open transaction, with or without an xid yet: now() in a
            // transaction is its start time, stamped long before its first write may take an xid.
            // statement_timestamp(), unlike now(), is taken after the statements before it.
            String sql = "SELECT statement_timestamp(), (SELECT min(xact_start) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    + " AND xact_start IS NOT NULL AND backend_type <> 'autovacuum worker'),"
                    + " pg_has_role('pg_read_all_stats', 'USAGE')";
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                if (!rs.getBoolean(3)) {
                    throw new MissingPrivilegeException("membership in the role pg_read_all_stats, without which"
                            + " pg_stat_activity hides other users' transactions (GRANT pg_read_all_stats TO <user>)");
                }
                OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
                return new OpenTransactions(rs.getObject(1, OffsetDateTime.class).toInstant(),
                        oldest == null ? null : oldest.toInstant());
            }
        }

        @Override
        Instant now(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT statement_timestamp()")) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class).toInstant();
            }
        }

        @Override
        Object timeParameter(Instant time) {
            return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
        }
    },

    /**
     * MariaDB and MySQL. INNODB_TRX shows trx_started in whole seconds of the server's system time
     * zone, refreshed at most every 100 ms, and a transaction starts in InnoDB at its first table
     * access, after its first statement took NOW(): the one-second margin covers all three.
     */
    MARIADB("MariaDB", Duration.ofSeconds(1)) {
        @Override
        OpenTransactions readOpenTransactions(Connection connection) throws SQLException {
            String sql = "SELECT NOW(6), CONVERT_TZ(MIN(trx_started), 'SYSTEM', @@session.time_zone)"
                    + " FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id <> CONNECTION_ID()";
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                LocalDateTime oldest = rs.getObject(2, LocalDateTime.class);
                return new OpenTransactions(rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                        oldest == null ? null : oldest.toInstant(ZoneOffset.UTC));
            } catch (SQLException e) {
                if (e.getErrorCode() == ACCESS_DENIED_NEEDS_PRIVILEGE) {
                    throw new MissingPrivilegeException("the PROCESS privilege to read information_schema.INNODB_TRX"
                            + " (GRANT PROCESS ON *.* TO <user>)");
                }
                throw e;
            }
        }

        @Override
        Instant now(Connection connection) throws SQLException {
            return localNow(connection, "SELECT NOW(6)");
        }

        @Override
        String limit(int rows) {
            return " LIMIT " + rows;
        }
    },

    H2("H2", Duration.ZERO) {
        @Override
        Instant now(Connection connection) throws SQLException {
            return localNow(connection, "SELECT LOCALTIMESTAMP");
        }
    },

    /** Any other database whose driver is on the class path: standard SQL, no view of transactions. */
    OTHER("this database", Duration.ZERO) {
        @Override
        Instant now(Connection connection) throws SQLException {
            return localNow(connection, "SELECT CURRENT_TIMESTAMP");
        }

        /** Not every database knows FETCH FIRST (SQLite does not): the statement's maximum rows limits instead. */
        @Override
        String limit(int rows) {
            return "";
        }
    };

    private static final int ACCESS_DENIED_NEEDS_PRIVILEGE = 1227;

    private final String displayName;
    private final Duration openTransactionMargin;

    Dialect(String displayName, Duration openTransactionMargin) {
        this.displayName = displayName;
        this.openTransactionMargin = openTransactionMargin;
    }

    static Dialect ofUrl(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            return MARIADB;
        }
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        return OTHER;
    }

    String displayName() {
        return displayName;
    }

    /** True when the database shows the start of every open transaction. */
    boolean seesOpenTransactions() {
        return this == POSTGRESQL || this == MARIADB;
    }

    /**
     * True when connections may be switched to read-only and read committed. Other drivers may
     * refuse either after connecting (SQLite's does), and neither is needed there: each step of a
     * poll commits, so the next one sees every commit before it.
     */
    boolean takesSessionSettings() {
        return this != OTHER;
    }

    /** How much earlier than the reported start an open transaction may have stamped a row. */
    Duration openTransactionMargin() {
        return openTransactionMargin;
    }

    /**
     * The database clock and the start of the oldest transaction open in this database other than
     * this connection's, read in one statement.
     *
     * @throws MissingPrivilegeException when the user may not see other users' transactions
     */
    OpenTransactions readOpenTransactions(Connection connection) throws SQLException {
        throw new UnsupportedOperationException(displayName + " shows no open transactions");
    }

    /** The database clock, read in a statement after every statement before it. */
    abstract Instant now(Connection connection) throws SQLException;

    /** A database time as a parameter comparable with timestamp columns. */
    Object timeParameter(Instant time) {
        return LocalDateTime.ofInstant(time, ZoneOffset.UTC);
    }

    /** The clause that ends a query after {@code rows} rows. */
    String limit(int rows) {
        return " FETCH FIRST " + rows + " ROWS ONLY";
    }

    private static Instant localNow(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }
    }

    /** What {@link #readOpenTransactions} saw; {@code oldestStart} is null when none is open. */
    record OpenTransactions(Instant now, Instant oldestStart) {
    }

    /** The user lacks what it takes to see other users' open transactions. */
    static final class MissingPrivilegeException extends SQLException {
        MissingPrivilegeException(String needed) {
            super("the database user needs " + needed);
        }
    }
}
