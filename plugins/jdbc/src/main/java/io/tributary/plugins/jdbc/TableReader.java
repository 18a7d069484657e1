package io.tributary.plugins.jdbc;

import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.plugins.jdbc.ReadWindow.Window;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Reads one stream (a table, or the query) page by page from its position, and builds the records.
 * Used on the task thread only.
 */
final class TableReader implements AutoCloseable {
    static final String TIMESTAMP_FIELD = "ts";
    static final String ID_FIELD = "id";
    /**
     * The first retry of a read held back by an older open transaction: a writer's transaction is
     * typically open for milliseconds, and two cheap queries (MAX and the open transactions) ten times
     * a second cost little while it lasts.
     */
    static final Duration HELD_BACK_FIRST_RETRY = Duration.ofMillis(100);

    private final JdbcSourceConfig config;
    private final String sourceName;
    private final String stream;
    /** The header values, encoded once: every record of the stream carries the same. */
    private final byte[] sourceHeader;
    private final byte[] streamHeader;
    private final String from;
    private final IdHistory idHistory = new IdHistory();
    private List<String> keyColumns;
    /** Whether the timestamp columns have a time zone, found by {@link #prepare}. */
    private boolean timestampHasZone;
    private Long lastId;
    private Temporal lastTimestamp;
    private Instant nextDue = Instant.MIN;
    /** Rows known committed wait for an older transaction still open: see {@link #scheduleNext}. */
    private boolean heldBack;
    private Duration heldBackRetry = HELD_BACK_FIRST_RETRY;
    private Window windowBeingDrained;
    private BulkPass bulkPass;

    /**
     * @param committed the stream's committed position, or null to start from the beginning
     * @throws IllegalStateException when the committed position cannot be read
     */
    TableReader(JdbcSourceConfig config, String sourceName, String stream, Position committed) {
        this.config = config;
        this.sourceName = sourceName;
        this.sourceHeader = sourceName.getBytes(StandardCharsets.UTF_8);
        this.streamHeader = stream.getBytes(StandardCharsets.UTF_8);
        this.stream = stream;
        this.from = config.from(stream);
        if (committed != null && config.mode() != Mode.BULK) {
            if (config.mode().usesIncrementing()) {
                lastId = committed.getLong(ID_FIELD);
            }
            if (config.mode().usesTimestamp()) {
                String text = committed.get(TIMESTAMP_FIELD);
                try {
                    lastTimestamp = Timestamps.parse(text);
                } catch (DateTimeParseException | NullPointerException e) {
                    throw new IllegalStateException("source " + sourceName + ": the checkpoint of " + stream
                            + " has no readable timestamp \"" + TIMESTAMP_FIELD + "\": " + committed, e);
                }
            }
        }
    }

    String stream() {
        return stream;
    }

    /** Where the reader stands, as its checkpoint says; null before the first row. */
    Position position() {
        if (config.mode() == Mode.INCREMENTING) {
            return lastId == null ? null : Position.of(ID_FIELD, lastId);
        }
        if (config.mode() == Mode.TIMESTAMP) {
            return lastTimestamp == null ? null : Position.of(TIMESTAMP_FIELD, Timestamps.format(lastTimestamp));
        }
        if (config.mode() == Mode.TIMESTAMP_INCREMENTING && lastTimestamp != null) {
            return Position.of(TIMESTAMP_FIELD, Timestamps.format(lastTimestamp), ID_FIELD, lastId);
        }
        return null;
    }

    Instant nextDue() {
        return nextDue;
    }

    /**
     * The window of the last page when that page came back full and rows inside the window may
     * remain; null otherwise. The next page may be read in it without asking the database for a new
     * one: a window's guarantees do not expire. Rows stamped before its horizon (or ids up to the
     * bound it allowed) were final when it was read, and a transaction started since stamps rows
     * after its own start, which is after the horizon, and takes ids above that bound. A newer
     * window would only let the page reach further, which the next window read does once this one
     * is drained.
     */
    Window windowBeingDrained() {
        return windowBeingDrained;
    }

    /**
     * Reads again at once when more rows wait; soon when committed rows were held back only because
     * an older transaction was open, which mostly commits within milliseconds (the retries double up
     * to {@code poll_interval}, for transactions that stay open); else after {@code poll_interval}.
     */
    void scheduleNext(Instant now, boolean moreWaiting) {
        if (moreWaiting) {
            nextDue = now;
        } else if (heldBack && heldBackRetry.compareTo(config.pollInterval()) < 0) {
            nextDue = now.plus(heldBackRetry);
            heldBackRetry = heldBackRetry.multipliedBy(2);
        } else {
            nextDue = now.plus(config.pollInterval());
        }
        if (!heldBack) {
            heldBackRetry = HELD_BACK_FIRST_RETRY;
        }
    }

    boolean isPrepared() {
        return keyColumns != null;
    }

    /**
     * Checks that the stream can be read and has the configured columns, and finds the key columns.
     *
     * @throws SQLException naming what is wrong
     */
    void prepare(Connection connection) throws SQLException {
        if (isPrepared()) {
            return;
        }
        RowConverter columns;
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT * FROM " + from + " WHERE 1 = 0")) {
            columns = new RowConverter(rs.getMetaData(), config.dialect());
        }
        List<String> configured = new ArrayList<>(config.timestampColumns());
        if (config.incrementingColumn() != null) {
            configured.add(config.incrementingColumn());
        }
        configured.addAll(config.keyColumns());
        for (String column : configured) {
            if (columns.indexOf(column) < 0) {
                throw new SQLException("has no column " + column + " (it has " + String.join(", ", columns.labels()) + ")");
            }
        }
        timestampHasZone = timestampColumnsHaveZone(columns);
        if (config.mode() == Mode.INCREMENTING && config.query() == null) {
            config.dialect().checkIdsFollowCommitOrder(connection, stream,
                    columns.labels().get(columns.indexOf(config.incrementingColumn()) - 1));
        }
        List<String> keys = config.keyColumns();
        if (keys.isEmpty() && config.query() == null) {
            keys = primaryKey(connection.getMetaData(), connection);
        }
        if (keys.isEmpty() && config.incrementingColumn() != null) {
            keys = List.of(config.incrementingColumn());
        }
        connection.commit();
        keyColumns = keys.stream().map(key -> columns.labels().get(columns.indexOf(key) - 1)).toList();
    }

    /** True when the timestamp columns have a time zone; known once {@link #prepare} ran. */
    boolean timestampHasZone() {
        return timestampHasZone;
    }

    /**
     * True when every timestamp column has a time zone, false when none has.
     *
     * @throws SQLException when some have and some have not: their COALESCE would mix instants with
     *                      wall-clock readings
     */
    private boolean timestampColumnsHaveZone(RowConverter columns) throws SQLException {
        List<String> zoned = config.timestampColumns().stream().filter(column -> columns.hasTimeZone(columns.indexOf(column))).toList();
        if (!zoned.isEmpty() && zoned.size() < config.timestampColumns().size()) {
            throw new SQLException("timestamp_column lists columns with a time zone (" + String.join(", ", zoned)
                    + ") and without one: list columns of one kind");
        }
        return !zoned.isEmpty();
    }

    private List<String> primaryKey(DatabaseMetaData metaData, Connection connection) throws SQLException {
        String[] parts = stream.split("\\.");
        String table = parts[parts.length - 1];
        List<String[]> places = new ArrayList<>();
        if (parts.length == 3) {
            places.add(new String[] {parts[0], parts[1]});
        } else if (parts.length == 2) {
            places.add(new String[] {null, parts[0]});
            places.add(new String[] {parts[0], null});
        } else {
            places.add(new String[] {connection.getCatalog(), connection.getSchema()});
            places.add(new String[] {connection.getCatalog(), null});
        }
        for (String[] place : places) {
            for (String name : spellings(table)) {
                TreeMap<Short, String> columns = new TreeMap<>();
                try (ResultSet rs = metaData.getPrimaryKeys(unquoteOrNull(place[0]), unquoteOrNull(place[1]), name)) {
                    while (rs.next()) {
                        columns.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
                    }
                }
                if (!columns.isEmpty()) {
                    return List.copyOf(columns.values());
                }
            }
        }
        return List.of();
    }

    /** How the database may have stored an unquoted name: as written, lower or upper case. */
    private static Set<String> spellings(String name) {
        if (!Identifiers.unquote(name).equals(name)) {
            return Set.of(Identifiers.unquote(name));
        }
        Set<String> spellings = new LinkedHashSet<>();
        spellings.add(name);
        spellings.add(name.toLowerCase(Locale.ROOT));
        spellings.add(name.toUpperCase(Locale.ROOT));
        return spellings;
    }

    private static String unquoteOrNull(String name) {
        return name == null ? null : Identifiers.unquote(name);
    }

    /** The highest id committed now; recorded by {@link #observeMaxId} once the window's time is known. */
    Long readMaxId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT MAX(" + config.incrementingColumn() + ") FROM " + from)) {
            rs.next();
            long max = rs.getLong(1);
            return rs.wasNull() ? null : max;
        }
    }

    /** Records that {@code maxId}, read before {@code time}, was committed by then. */
    void observeMaxId(Instant time, Long maxId) {
        if (maxId != null) {
            idHistory.observe(time, maxId);
        }
    }

    /**
     * Reads the next page: at most {@code batch_max_rows} rows after the position and inside the
     * window. Moves nothing: {@link #advance} does, once the caller holds the records.
     */
    Page readPage(Connection connection, Window window) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(from).append(" WHERE ");
        String id = config.incrementingColumn();
        String ts = config.timestampExpression();
        Temporal horizon = config.dialect().timeParameter(window.horizon());
        OptionalLong bound = OptionalLong.empty();
        switch (config.mode()) {
            case INCREMENTING -> {
                bound = idHistory.safeBound(window.idHorizon());
                OptionalLong newest = idHistory.newestMaxId();
                heldBack = newest.isPresent() && (bound.isEmpty() || bound.getAsLong() < newest.getAsLong());
                if (bound.isEmpty() || lastId != null && bound.getAsLong() <= lastId) {
                    return Page.EMPTY;
                }
                if (lastId != null) {
                    sql.append(id).append(" > ? AND ");
                    parameters.add(lastId);
                }
                sql.append(id).append(" <= ? ORDER BY ").append(id);
                parameters.add(bound.getAsLong());
            }
            case TIMESTAMP -> {
                appendTimestampLowerBound(sql, parameters, ts, null);
                sql.append(ts).append(" < ").append(timestamp(horizon, parameters)).append(" ORDER BY ").append(ts);
            }
            case TIMESTAMP_INCREMENTING -> {
                appendTimestampLowerBound(sql, parameters, ts, id);
                sql.append(ts).append(" < ").append(timestamp(horizon, parameters)).append(" ORDER BY ").append(ts).append(", ").append(id);
            }
            case BULK -> throw new IllegalStateException("bulk sources read with readBulk");
        }
        sql.append(config.dialect().limit(config.batchMaxRows()));
        List<Row> rows = query(connection, sql.toString(), parameters, config.batchMaxRows());
        boolean full = rows.size() >= config.batchMaxRows();
        if (full && config.mode() == Mode.TIMESTAMP) {
            rows = wholeTimestampGroups(connection, rows);
        }
        boolean restInWindow = full && !rows.isEmpty() && (bound.isEmpty() || rows.get(rows.size() - 1).id() < bound.getAsLong());
        return page(rows, full, restInWindow);
    }

    private void appendTimestampLowerBound(StringBuilder sql, List<Object> parameters, String ts, String id) {
        if (lastTimestamp != null) {
            if (id == null) {
                sql.append(ts).append(" > ").append(timestamp(lastTimestamp, parameters)).append(" AND ");
            } else {
                sql.append("(").append(ts).append(" > ").append(timestamp(lastTimestamp, parameters))
                        .append(" OR (").append(ts).append(" = ").append(timestamp(lastTimestamp, parameters))
                        .append(" AND ").append(id).append(" > ?)) AND ");
                parameters.add(lastId);
            }
        } else if (config.timestampInitial() != null) {
            sql.append(ts).append(" >= ").append(timestamp(config.timestampInitial(), parameters)).append(" AND ");
        }
    }

    /** Adds {@code value} to the parameters and returns the SQL standing for it beside the timestamp column. */
    private String timestamp(Temporal value, List<Object> parameters) {
        parameters.add(config.dialect().bindable(value));
        return config.dialect().timestampPlaceholder(value, timestampHasZone);
    }

    /**
     * In timestamp mode the position is a timestamp alone, so a page must end at the end of a group
     * of rows sharing one: a full page drops its last, maybe partial, group; a page that is one
     * group is completed whatever its size.
     */
    private List<Row> wholeTimestampGroups(Connection connection, List<Row> rows) throws SQLException {
        Temporal last = rows.get(rows.size() - 1).timestamp();
        if (!rows.get(0).timestamp().equals(last)) {
            int end = rows.size();
            while (rows.get(end - 1).timestamp().equals(last)) {
                end--;
            }
            return rows.subList(0, end);
        }
        List<Object> parameters = new ArrayList<>();
        String sql = "SELECT * FROM " + from + " WHERE " + config.timestampExpression() + " = " + timestamp(last, parameters);
        return query(connection, sql, parameters, 0);
    }

    /** @param maxRows the most rows to read, 0 for all; also in the SQL where the dialect can say it */
    private List<Row> query(Connection connection, String sql, List<Object> parameters, int maxRows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            statement.setFetchSize(Math.min(config.fetchSize(), config.batchMaxRows()));
            statement.setMaxRows(maxRows);
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                RowReader reader = new RowReader(rs);
                List<Row> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
                return rows;
            }
        }
    }

    /**
     * The page's records, the last one carrying the checkpoint after the page: the agent commits a
     * poll's records together, and a page is one table's run of them (SourceRecord.withCheckpoint).
     * A page ends after a whole group of equal timestamps, so in timestamp mode too its last row's
     * timestamp is a place to resume after.
     */
    private Page page(List<Row> rows, boolean full, boolean restInWindow) {
        List<SourceRecord> records = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            Position position = i + 1 < rows.size() ? null : switch (config.mode()) {
                case INCREMENTING -> Position.of(ID_FIELD, row.id());
                case TIMESTAMP_INCREMENTING -> Position.of(TIMESTAMP_FIELD, Timestamps.format(row.timestamp()), ID_FIELD, row.id());
                case TIMESTAMP -> Position.of(TIMESTAMP_FIELD, Timestamps.format(row.timestamp()));
                case BULK -> null;
            };
            records.add(record(row, position));
        }
        Row last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
        return new Page(records, full, restInWindow, last);
    }

    private SourceRecord record(Row row, Position position) {
        SourceRecord.Builder builder = SourceRecord.builder(config.topic())
                .key(row.key())
                .value(row.value())
                .header(JdbcSource.SOURCE_HEADER, sourceHeader)
                .header(JdbcSource.STREAM_HEADER, streamHeader);
        if (position != null) {
            builder.checkpoint(stream, position);
        }
        return builder.build();
    }

    /** Moves the position past the page's rows, read in {@code window}. */
    void advance(Page page, Window window) {
        if (page.last() != null) {
            lastId = page.last().id();
            lastTimestamp = page.last().timestamp();
        }
        windowBeingDrained = page.restInWindow() ? window : null;
    }

    /**
     * Reads the next rows of the current bulk pass, starting one when none runs. The pass keeps its
     * connection and cursor between calls, so a table of any size streams through in pages.
     */
    Page readBulk(DataSource dataSource) throws SQLException {
        boolean done = false;
        try {
            if (bulkPass == null) {
                bulkPass = new BulkPass(dataSource);
            }
            List<SourceRecord> records = new ArrayList<>();
            while (records.size() < config.batchMaxRows()) {
                if (!bulkPass.resultSet().next()) {
                    done = true;
                    break;
                }
                records.add(record(bulkPass.reader().read(bulkPass.resultSet()), null));
            }
            return new Page(records, !done, false, null);
        } catch (SQLException | RuntimeException e) {
            done = true;
            throw e;
        } finally {
            if (done) {
                close();
            }
        }
    }

    @Override
    public void close() {
        if (bulkPass != null) {
            bulkPass.close();
            bulkPass = null;
        }
    }

    /** Reads the columns of each row a query returns. */
    private final class RowReader {
        private final RowConverter converter;
        private final int idColumn;
        private final int[] timestampColumns;
        private final int[] keyColumnIndexes;

        RowReader(ResultSet rs) throws SQLException {
            converter = new RowConverter(rs.getMetaData(), config.dialect());
            idColumn = config.incrementingColumn() == null ? -1 : converter.indexOf(config.incrementingColumn());
            timestampColumns = config.timestampColumns().stream().mapToInt(converter::indexOf).toArray();
            keyColumnIndexes = converter.columnsLabelled(keyColumns == null ? List.of() : keyColumns);
        }

        Row read(ResultSet rs) throws SQLException {
            converter.read(rs);
            Long id = null;
            if (idColumn > 0) {
                if (converter.value(idColumn) instanceof Long read) {
                    id = read;
                } else {
                    long read = rs.getLong(idColumn);
                    id = rs.wasNull() ? null : read;
                }
            }
            Temporal timestamp = null;
            for (int column : timestampColumns) {
                timestamp = converter.timestamp(rs, column);
                if (timestamp != null) {
                    break;
                }
            }
            return new Row(converter.key(keyColumnIndexes), converter.json(), timestamp, id);
        }
    }

    private record Row(byte[] key, byte[] value, Temporal timestamp, Long id) {
    }

    /**
     * One page of records.
     *
     * @param full         true when more rows may wait right now
     * @param restInWindow true when rows of the window the page was read in may wait
     * @param last         the last row, whose position the reader moves to; null when none
     */
    record Page(List<SourceRecord> records, boolean full, boolean restInWindow, Row last) {
        static final Page EMPTY = new Page(List.of(), false, false, null);
    }

    /** A running bulk pass: its own connection with an open cursor. */
    private final class BulkPass {
        private final Connection connection;
        private final ResultSet resultSet;
        private final RowReader reader;

        BulkPass(DataSource dataSource) throws SQLException {
            connection = dataSource.getConnection();
            try {
                prepare(connection);
                PreparedStatement statement = connection.prepareStatement("SELECT * FROM " + from, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                statement.setFetchSize(Math.min(config.fetchSize(), config.batchMaxRows()));
                resultSet = statement.executeQuery();
                reader = new RowReader(resultSet);
            } catch (SQLException | RuntimeException e) {
                closeQuietly();
                throw e;
            }
        }

        ResultSet resultSet() {
            return resultSet;
        }

        RowReader reader() {
            return reader;
        }

        void close() {
            closeQuietly();
        }

        private void closeQuietly() {
            try {
                // Ends the read-only transaction the cursor lived in; nothing to keep.
                connection.rollback();
            } catch (SQLException e) {
                // A broken connection: the pool discards it on close.
            }
            try {
                connection.close();
            } catch (SQLException e) {
                // Closing is all that was left to do with it.
            }
        }
    }
}
