package io.tributary.plugins.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.Temporal;
import java.util.Properties;

/**
 * What differs between databases: how to page, read the clock and see open transactions, and how
 * timestamps are read and bound.
 *
 * <p>Database times are handled as {@link Instant}s. PostgreSQL's clock has a zone; MariaDB's
 * sessions run in UTC ({@link #sessionInitSql}), so its {@code NOW()} is UTC. Where the database
 * clock has no zone (H2's {@code LOCALTIMESTAMP}, others) the instant is the wall-clock reading
 * taken as UTC, and it goes back to the database the same way; only differences and order matter
 * there.
 */
enum Dialect {
    /**
     * The margin: a transaction's xact_start is its first statement's arrival, but pg_stat_activity
     * shows it only once the backend started the transaction, a few function calls later. Those take
     * microseconds unless the backend is preempted in between; 50 ms covers a couple of scheduler
     * time slices of a busy machine (Linux CFS hands out slices of at most 24 ms), at the cost of
     * rows arriving 50 ms later. Ids need no margin: a transaction takes ids while running a
     * statement, after its start was shown.
     */
    POSTGRESQL("PostgreSQL", Duration.ofMillis(50), Duration.ZERO) {
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
        Temporal timeParameter(Instant time) {
            return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
        }

        /** The driver sets the session's TimeZone to the agent JVM's zone. */
        @Override
        String zoneOfLocalTimestamps(Connection connection) throws SQLException {
            return queryText(connection, "SELECT current_setting('TimeZone')") + " (the session's TimeZone, the agent JVM's zone)";
        }

        /**
         * A sequence with CACHE above 1 hands each session a block of ids: a session may insert an
         * id below ids other sessions committed long before, which incrementing mode would skip.
         */
        @Override
        void checkIdsFollowCommitOrder(Connection connection, String table, String column) throws SQLException {
            String sql = "SELECT s.seqrelid::regclass::text, s.seqcache FROM pg_sequence s"
                    + " WHERE s.seqrelid = pg_get_serial_sequence(?, ?)::regclass";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, table);
                statement.setString(2, column);
                try (ResultSet rs = statement.executeQuery()) {
                    if (rs.next() && rs.getLong(2) > 1) {
                        throw new SQLException("the sequence " + rs.getString(1) + " of " + column + " caches "
                                + rs.getLong(2) + " ids per session, so ids are not taken in commit order and"
                                + " mode incrementing would skip rows: ALTER SEQUENCE " + rs.getString(1)
                                + " CACHE 1, or use mode timestamp+incrementing");
                    }
                }
            }
        }

        @Override
        Properties connectionProperties(Duration timeout) {
            Properties properties = new Properties();
            // Bounds the whole login, which the driver's connectTimeout (the TCP connect alone) does not.
            properties.setProperty("loginTimeout", Long.toString(Math.max(1, timeout.toSeconds())));
            return properties;
        }
    },

    /**
     * MariaDB and MySQL. INNODB_TRX shows trx_started in whole seconds of the server's system time
     * zone, refreshed at most every 100 ms, and a transaction starts in InnoDB at its first table
     * access, after its first statement took NOW(): the one-second margin covers all three.
     */
    MARIADB("MariaDB", Duration.ofSeconds(1), Duration.ofSeconds(1)) {
        @Override
        OpenTransactions readOpenTransactions(Connection connection) throws SQLException {
            // trx_started is a wall-clock reading in the system time zone. In the hour after a
            // clock change it is ambiguous, and CONVERT_TZ may pick the later instant: the earlier
            // of it and the reading one hour before, converted and moved back, is never later
            // than the start. CONVERT_TZ returns NULL rather than fail; such a row must not be taken
            // for no transaction at all.
            String started = "LEAST(CONVERT_TZ(trx_started, 'SYSTEM', '+00:00'),"
                    + " CONVERT_TZ(trx_started - INTERVAL 1 HOUR, 'SYSTEM', '+00:00') + INTERVAL 1 HOUR)";
            String sql = "SELECT NOW(6), MIN(" + started + "), COUNT(*) - COUNT(" + started + ")"
                    + " FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id <> CONNECTION_ID()";
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                if (rs.getLong(3) > 0) {
                    throw new SQLException("cannot convert the start time of " + rs.getLong(3) + " open transactions"
                            + " from the server's system time zone to UTC (CONVERT_TZ returned NULL)");
                }
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

        /**
         * In UTC NOW() and TIMESTAMP columns never jump back an hour at a clock change, and a
         * TIMESTAMP value names one instant.
         */
        @Override
        String sessionInitSql() {
            return "SET time_zone = '+00:00'";
        }

        /** The session is in UTC; the driver would shift an {@link OffsetDateTime} to the JVM's zone. */
        @Override
        Object bindable(Temporal value) {
            return value instanceof OffsetDateTime offsetValue
                    ? offsetValue.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime() : value;
        }

        /**
         * DATETIME holds what the writer's session saw; writers' sessions start in the server's
         * time_zone, so an instant is compared there.
         */
        @Override
        String timestampPlaceholder(Temporal value, boolean columnHasZone) {
            return value instanceof OffsetDateTime && !columnHasZone ? "CONVERT_TZ(?, '+00:00', @@global.time_zone)" : "?";
        }

        @Override
        boolean hasTimeZone(int sqlType, String typeName) {
            return "TIMESTAMP".equalsIgnoreCase(typeName);
        }

        @Override
        String zoneOfLocalTimestamps(Connection connection) throws SQLException {
            return queryText(connection, "SELECT IF(@@global.time_zone = 'SYSTEM', @@system_time_zone, @@global.time_zone)")
                    + " (the server's time_zone)";
        }

        @Override
        OffsetDateTime readZonedTimestamp(ResultSet rs, int column) throws SQLException {
            LocalDateTime value = rs.getObject(column, LocalDateTime.class);
            return value == null ? null : value.atOffset(ZoneOffset.UTC);
        }

        @Override
        Temporal timeParameter(Instant time) {
            return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
        }

        @Override
        Properties connectionProperties(Duration timeout) {
            Properties properties = new Properties();
            properties.setProperty("connectTimeout", Long.toString(timeout.toMillis()));
            return properties;
        }

        @Override
        String limit(int rows) {
            return " LIMIT " + rows;
        }
    },

    H2("H2", Duration.ZERO, Duration.ZERO) {
        @Override
        Instant now(Connection connection) throws SQLException {
            return localNow(connection, "SELECT LOCALTIMESTAMP");
        }

        @Override
        String zoneOfLocalTimestamps(Connection connection) throws SQLException {
            return queryText(connection, "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'TIME ZONE'")
                    + " (the session's time zone, the agent JVM's zone)";
        }
    },

    /** Any other database whose driver is on the class path: standard SQL, no view of transactions. */
    OTHER("this database", Duration.ZERO, Duration.ZERO) {
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
    private final Duration timestampMargin;
    private final Duration idMargin;

    Dialect(String displayName, Duration timestampMargin, Duration idMargin) {
        this.displayName = displayName;
        this.timestampMargin = timestampMargin;
        this.idMargin = idMargin;
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
    Duration timestampMargin() {
        return timestampMargin;
    }

    /** How much earlier than the reported start an open transaction may have taken an id. */
    Duration idMargin() {
        return idMargin;
    }

    /** The statement every new connection runs first; null for none. */
    String sessionInitSql() {
        return null;
    }

    /** Driver properties that bound connecting by {@code timeout}, beside those of the url. */
    Properties connectionProperties(Duration timeout) {
        return new Properties();
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

    /** A database time as a parameter comparable with timestamp columns, for {@link #bindable}. */
    Temporal timeParameter(Instant time) {
        return LocalDateTime.ofInstant(time, ZoneOffset.UTC);
    }

    /** A timestamp (a position, {@code timestamp_initial} or {@link #timeParameter}) as the driver should bind it. */
    Object bindable(Temporal value) {
        return value;
    }

    /** The SQL that stands for {@code value}, bound as {@link #bindable}, compared with a timestamp column. */
    String timestampPlaceholder(Temporal value, boolean columnHasZone) {
        return "?";
    }

    /** True when the column type has a time zone: its values name instants, read as {@link #readZonedTimestamp}. */
    boolean hasTimeZone(int sqlType, String typeName) {
        return Timestamps.hasTimeZone(sqlType, typeName);
    }

    /** A value of a column with a time zone; null for NULL. */
    OffsetDateTime readZonedTimestamp(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }

    /**
     * Where the horizon is compared with a timestamp column without a time zone: the zone whose
     * wall-clock time the writers must stamp it in, as a user reads it; null when unknown.
     */
    String zoneOfLocalTimestamps(Connection connection) throws SQLException {
        return null;
    }

    /**
     * Fails when ids of {@code column} may be taken out of commit order, so that incrementing mode
     * would skip rows.
     */
    void checkIdsFollowCommitOrder(Connection connection, String table, String column) throws SQLException {
    }

    /** The clause that ends a query after {@code rows} rows. */
    String limit(int rows) {
        return " FETCH FIRST " + rows + " ROWS ONLY";
    }

    private static String queryText(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
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
