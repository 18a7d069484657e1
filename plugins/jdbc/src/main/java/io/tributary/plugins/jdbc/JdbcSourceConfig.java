package io.tributary.plugins.jdbc;

import java.sql.Driver;
import java.time.Duration;
import java.time.temporal.Temporal;
import java.util.List;

/**
 * The settings of one jdbc source, checked. Every default lives here.
 *
 * @param settingsPath       where the source sits in the YAML file, e.g. {@code sources.orders}
 * @param tables             the tables read, empty for a query source
 * @param query              the SELECT read, null for a table source
 * @param incrementingColumn null when not set
 * @param timestampColumns   one column, or several read as their COALESCE; empty when not set
 * @param timestampInitial   null when not set
 * @param keyColumns         empty: the primary key, else the incrementing column, else no key
 * @param timestampDelay     null when not set
 * @param queryTimeout       longest wait for the database to answer
 */
record JdbcSourceConfig(
        String settingsPath,
        String topic,
        String url,
        String user,
        String password,
        Driver driver,
        Dialect dialect,
        List<String> tables,
        String query,
        Mode mode,
        String incrementingColumn,
        List<String> timestampColumns,
        Temporal timestampInitial,
        Duration pollInterval,
        int batchMaxRows,
        int fetchSize,
        List<String> keyColumns,
        Duration timestampDelay,
        Duration queryTimeout,
        Pool pool) {

    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    static final int DEFAULT_BATCH_MAX_ROWS = 10_000;
    static final int DEFAULT_FETCH_SIZE = 500;
    static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);
    /** Below a second a slow but healthy page query would fail; drivers take whole seconds for logins. */
    static final Duration MIN_QUERY_TIMEOUT = Duration.ofSeconds(1);
    /** The stream name of a query source, whose rows belong to no one table. */
    static final String QUERY_STREAM = "query";

    /** The streams this source reads: its tables, or {@link #QUERY_STREAM}. */
    List<String> streams() {
        return query == null ? tables : List.of(QUERY_STREAM);
    }

    /** What follows {@code FROM} to read {@code stream}. */
    String from(String stream) {
        return query == null ? stream : "(" + query + ") src";
    }

    /** The expression of the row's timestamp: the column, or the COALESCE of the columns. */
    String timestampExpression() {
        return timestampColumns.size() == 1 ? timestampColumns.get(0) : "COALESCE(" + String.join(", ", timestampColumns) + ")";
    }

    @Override
    public String toString() {
        return "JdbcSourceConfig[" + settingsPath + ", mode " + mode.settingValue() + ", streams " + streams() + "]";
    }

    /** The connection pool: the {@code pool} section. */
    record Pool(int maxSize, Duration connectionTimeout, Duration idleTimeout, Duration maxLifetime) {
        static final int DEFAULT_MAX_SIZE = 2;
        static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
        static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
        static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);
        /** HikariCP's floors for these settings. */
        static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
        static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(10);
        static final Duration MIN_MAX_LIFETIME = Duration.ofSeconds(30);
    }
}
