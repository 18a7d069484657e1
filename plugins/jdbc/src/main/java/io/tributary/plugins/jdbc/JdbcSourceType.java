package io.tributary.plugins.jdbc;

import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import io.tributary.api.ValueFormat;
import io.tributary.plugins.jdbc.JdbcSourceConfig.Pool;
import java.sql.Driver;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.Temporal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.pf4j.Extension;

/** The {@code jdbc} source type: polls database tables or a query. See the plugin's README. */
@Extension
public final class JdbcSourceType implements SourceType {

    @Override
    public String name() {
        return "jdbc";
    }

    /** Its values are rows as JSON objects. */
    @Override
    public ValueFormat valueFormat() {
        return ValueFormat.JSON;
    }

    @Override
    public SourceTask create(Settings settings) {
        return new JdbcSource(readConfig(settings));
    }

    /**
     * One part per table of {@code tables}, named {@code table:<name>}: each table is a stream of its
     * own, so its checkpoint is the same in a part as in the whole source. A single table or a
     * {@code query} stays whole.
     */
    @Override
    public Map<String, Map<String, Object>> split(Map<String, Object> settings) {
        return SourceType.splitByList(settings, "tables", "table:");
    }

    static JdbcSourceConfig readConfig(Settings settings) {
        String topic = settings.getRequiredString("topic");
        String url = settings.getRequiredString("url");
        String user = settings.getString("user", null);
        String password = settings.getString("password", null);
        ClassLoader driverLoader = DriverJars.read(settings);
        Dialect dialect = Dialect.OTHER;
        Driver driver = null;
        if (url != null) {
            dialect = Dialect.ofUrl(url);
            if (!url.startsWith("jdbc:")) {
                settings.error("url", "must be a JDBC url like jdbc:postgresql://host:5432/database");
            } else {
                driver = DriverDataSource.findDriver(url, driverLoader).orElse(null);
                if (driver == null) {
                    settings.error("url", "no JDBC driver accepts urls starting with " + scheme(url)
                            + "; the plugin ships PostgreSQL (jdbc:postgresql:), MariaDB/MySQL (jdbc:mariadb:) and H2 (jdbc:h2:),"
                            + " others load from the jars named in " + DriverJars.KEY);
                }
            }
        }

        List<String> tables = readTables(settings);
        String query = readQuery(settings);
        long sourcesOfRows = Stream.of(settings.has("table"), settings.has("tables"), settings.has("query")).filter(b -> b).count();
        if (sourcesOfRows == 0) {
            settings.error("table", "one of table, tables or query is required");
        } else if (sourcesOfRows > 1) {
            settings.error(settings.has("query") ? "query" : "tables", "set only one of table, tables and query");
        }

        Mode mode = Mode.BULK;
        if (!settings.has("mode")) {
            settings.error("mode", "is required: one of " + String.join(", ", Mode.settingValues()));
        } else {
            String value = settings.getChoice("mode", null, Mode.settingValues());
            if (value != null) {
                mode = Mode.ofSettingValue(value);
            }
        }

        String incrementingColumn = settings.getString("incrementing_column", null);
        if (incrementingColumn != null && !Identifiers.isColumn(incrementingColumn)) {
            settings.error("incrementing_column", "must be a column name, got \"" + incrementingColumn + "\"");
        }
        if (incrementingColumn == null && mode.usesIncrementing()) {
            settings.error("incrementing_column", "is required in mode " + mode.settingValue());
        }
        List<String> timestampColumns = readColumns(settings, "timestamp_column");
        if (timestampColumns.isEmpty() && mode.usesTimestamp()) {
            settings.error("timestamp_column", "is required in mode " + mode.settingValue());
        }
        if (!timestampColumns.isEmpty() && !mode.usesTimestamp()) {
            settings.error("timestamp_column", "applies only to modes timestamp and timestamp+incrementing");
        }
        Temporal timestampInitial = readTimestampInitial(settings, mode);

        Duration pollInterval = settings.getDuration("poll_interval", JdbcSourceConfig.DEFAULT_POLL_INTERVAL);
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            settings.error("poll_interval", "must be longer than 0");
        }
        int batchMaxRows = settings.getInt("batch_max_rows", JdbcSourceConfig.DEFAULT_BATCH_MAX_ROWS);
        if (batchMaxRows < 1) {
            settings.error("batch_max_rows", "must be at least 1, got " + batchMaxRows);
        }
        int fetchSize = settings.getInt("fetch_size", JdbcSourceConfig.DEFAULT_FETCH_SIZE);
        if (fetchSize < 1) {
            settings.error("fetch_size", "must be at least 1, got " + fetchSize);
        }
        List<String> keyColumns = readColumns(settings, "key_column");

        Duration timestampDelay = settings.has("timestamp_delay") ? settings.getDuration("timestamp_delay", Duration.ZERO) : null;
        if (timestampDelay != null && timestampDelay.isNegative()) {
            settings.error("timestamp_delay", "must not be negative");
        }
        if (timestampDelay == null && mode != Mode.BULK && url != null && !dialect.seesOpenTransactions()) {
            settings.error("timestamp_delay", "is required in mode " + mode.settingValue() + " with " + dialect.displayName()
                    + ", which shows no open transactions: set it longer than the longest write transaction,"
                    + " or rows of transactions that commit late are skipped");
        }

        Duration queryTimeout = atLeast(settings, "query_timeout", JdbcSourceConfig.DEFAULT_QUERY_TIMEOUT,
                JdbcSourceConfig.MIN_QUERY_TIMEOUT);

        Pool pool = readPool(settings.getSection("pool"));
        return new JdbcSourceConfig(settings.path(), topic, url, user, password, driver, dialect, tables, query, mode,
                incrementingColumn, timestampColumns, timestampInitial, pollInterval, batchMaxRows, fetchSize, keyColumns,
                timestampDelay, queryTimeout, pool);
    }

    private static String scheme(String url) {
        int secondColon = url.indexOf(':', "jdbc:".length());
        return secondColon < 0 ? url : url.substring(0, secondColon + 1);
    }

    private static List<String> readTables(Settings settings) {
        List<String> tables = settings.has("table") ? Stream.of(settings.getString("table", null)).filter(t -> t != null).toList()
                : settings.getStringList("tables", List.of());
        String key = settings.has("table") ? "table" : "tables";
        if (settings.has("tables") && tables.isEmpty()) {
            settings.error(key, "must name at least one table");
        }
        Set<String> seen = new HashSet<>();
        for (String table : tables) {
            if (!Identifiers.isTable(table)) {
                settings.error(key, "must be table names like orders or shop.orders, got \"" + table + "\"");
            } else if (!seen.add(table.toLowerCase(Locale.ROOT))) {
                settings.error(key, "names " + table + " twice");
            }
        }
        return tables;
    }

    private static String readQuery(Settings settings) {
        String query = settings.getString("query", null);
        if (query == null) {
            return null;
        }
        String trimmed = query.strip();
        if (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
        }
        String start = trimmed.toLowerCase(Locale.ROOT);
        if (!start.startsWith("select") && !start.startsWith("with")) {
            settings.error("query", "must be a SELECT (the source adds its own WHERE and ORDER BY around it)");
        } else if (trimmed.contains(";")) {
            settings.error("query", "must be one SELECT statement");
        }
        return trimmed;
    }

    private static List<String> readColumns(Settings settings, String key) {
        List<String> columns = settings.getStringList(key, List.of());
        for (String column : columns) {
            if (!Identifiers.isColumn(column)) {
                settings.error(key, "must be column names, got \"" + column + "\"");
            }
        }
        return columns;
    }

    private static Temporal readTimestampInitial(Settings settings, Mode mode) {
        String text = settings.getString("timestamp_initial", null);
        if (text == null) {
            return null;
        }
        if (!mode.usesTimestamp()) {
            settings.error("timestamp_initial", "applies only to modes timestamp and timestamp+incrementing");
            return null;
        }
        try {
            return Timestamps.parse(text);
        } catch (DateTimeParseException e) {
            settings.error("timestamp_initial", "must be an ISO-8601 date-time like 2024-01-31T00:00:00Z or 2024-01-31T00:00:00,"
                    + " got \"" + text + "\"");
            return null;
        }
    }

    private static Pool readPool(Settings pool) {
        int maxSize = pool.getInt("max_size", Pool.DEFAULT_MAX_SIZE);
        if (maxSize < 1) {
            pool.error("max_size", "must be at least 1, got " + maxSize);
        }
        Duration connectionTimeout = atLeast(pool, "connection_timeout", Pool.DEFAULT_CONNECTION_TIMEOUT, Pool.MIN_CONNECTION_TIMEOUT);
        Duration idleTimeout = atLeast(pool, "idle_timeout", Pool.DEFAULT_IDLE_TIMEOUT, Pool.MIN_IDLE_TIMEOUT);
        Duration maxLifetime = atLeast(pool, "max_lifetime", Pool.DEFAULT_MAX_LIFETIME, Pool.MIN_MAX_LIFETIME);
        return new Pool(maxSize, connectionTimeout, idleTimeout, maxLifetime);
    }

    private static Duration atLeast(Settings settings, String key, Duration defaultValue, Duration minimum) {
        Duration value = settings.getDuration(key, defaultValue);
        if (value.compareTo(minimum) < 0) {
            settings.error(key, "must be at least " + minimum.toMillis() + "ms");
        }
        return value;
    }
}
