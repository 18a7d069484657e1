package io.tributary.plugins.jdbc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.temporal.Temporal;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the rows of one result set into JSON objects keyed by column label: decimals exact,
 * timestamps ISO-8601 with microseconds (and offset when the column has a zone), UUIDs as strings,
 * JSON columns nested, binary as base64, arrays as arrays, SQL NULL as null.
 *
 * <p>A row is first read into {@link #values} (each column as the Java value it is written as, a
 * timestamp as its {@link Temporal} so it can bind back), then written as bytes into one reused
 * buffer: text that is printable ASCII, integers, decimals, timestamps and booleans by hand, the
 * rest (other text, floating point, JSON columns) by Jackson, whose bytes the hand-written ones
 * equal. Jackson's generator for every value took a third of the task thread's time in the jdbc
 * benchmark's profile.
 */
final class RowConverter {
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** Jackson's limit on a plain decimal's scale; beyond it Jackson refuses the value, as before. */
    private static final int MAX_PLAIN_SCALE = 9999;
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

    private final String[] labels;
    /** The labels as JSON field names with their quotes and colon, encoded once rather than for every row. */
    private final byte[][] fieldNames;
    private final ColumnKind[] kinds;
    private final int[] types;
    private final String[] typeNames;
    private final Dialect dialect;
    private final Object[] values;
    /** The columns written, in order: one per label, the last of those sharing it, as a JSON object keeps it. */
    private final int[] writtenColumns;
    /** The row's JSON as it is written; {@link #length} bytes of it are in use. */
    private byte[] buffer = new byte[512];
    private int length;
    /** Where Jackson writes the values that are not written by hand, one at a time. */
    private final ByteArrayBuilder output = new ByteArrayBuilder();
    private final JsonGenerator generator;

    RowConverter(ResultSetMetaData metaData, Dialect dialect) throws SQLException {
        this.dialect = dialect;
        int count = metaData.getColumnCount();
        labels = new String[count];
        fieldNames = new byte[count][];
        kinds = new ColumnKind[count];
        types = new int[count];
        typeNames = new String[count];
        values = new Object[count];
        for (int i = 0; i < count; i++) {
            labels[i] = metaData.getColumnLabel(i + 1);
            fieldNames[i] = fieldName(labels[i]);
            types[i] = metaData.getColumnType(i + 1);
            typeNames[i] = metaData.getColumnTypeName(i + 1);
            kinds[i] = ColumnKind.of(types[i], typeNames[i], metaData.getPrecision(i + 1));
            if (kinds[i] == ColumnKind.LOCAL_TIMESTAMP && dialect.hasTimeZone(types[i], typeNames[i])) {
                kinds[i] = ColumnKind.ZONED_TIMESTAMP;
            }
        }
        Map<String, Integer> lastOfLabel = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            lastOfLabel.put(labels[i], i);
        }
        writtenColumns = lastOfLabel.values().stream().mapToInt(Integer::intValue).toArray();
        try {
            generator = JSON.createGenerator(output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
        // Values are separate documents written one after another into the same generator.
        generator.setRootValueSeparator(null);
    }

    private static byte[] fieldName(String label) {
        byte[] quoted = new SerializedString(label).asQuotedUTF8();
        byte[] name = new byte[quoted.length + 3];
        name[0] = '"';
        System.arraycopy(quoted, 0, name, 1, quoted.length);
        name[quoted.length + 1] = '"';
        name[quoted.length + 2] = ':';
        return name;
    }

    /** The 1-based index of the column labelled {@code name}, ignoring case and quotes; -1 when absent. */
    int indexOf(String name) {
        String unquoted = Identifiers.unquote(name);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i].equalsIgnoreCase(unquoted)) {
                return i + 1;
            }
        }
        return -1;
    }

    List<String> labels() {
        return List.of(labels);
    }

    /** Reads the current row; the other methods then work on it until the next call. */
    void read(ResultSet rs) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            values[i] = kinds[i].read(rs, i + 1, dialect);
        }
    }

    /** The 1-based column's value in the current row as {@link #read} read it: null, or as it is written. */
    Object value(int column) {
        return values[column - 1];
    }

    /** The 1-based column's value in the current row, which {@link #read} read, as it binds back; or null. */
    Temporal timestamp(ResultSet rs, int column) throws SQLException {
        if (kinds[column - 1] == ColumnKind.LOCAL_TIMESTAMP || kinds[column - 1] == ColumnKind.ZONED_TIMESTAMP) {
            return (Temporal) values[column - 1];
        }
        return hasTimeZone(column) ? dialect.readZonedTimestamp(rs, column) : rs.getObject(column, LocalDateTime.class);
    }

    /** True when the 1-based column's values name instants: a timestamp type with a time zone. */
    boolean hasTimeZone(int column) {
        return dialect.hasTimeZone(types[column - 1], typeNames[column - 1]);
    }

    /** The 1-based columns written under these labels, for {@link #key}. */
    int[] columnsLabelled(List<String> columnLabels) {
        return columnLabels.stream().mapToInt(label -> {
            for (int column : writtenColumns) {
                if (labels[column].equals(label)) {
                    return column + 1;
                }
            }
            throw new IllegalArgumentException("no column labelled " + label);
        }).toArray();
    }

    /** The row last read as a JSON object. */
    byte[] json() {
        length = 0;
        writeObject(writtenColumns, 0);
        return Arrays.copyOf(buffer, length);
    }

    /**
     * A record key from the 1-based {@code columns} of the row last read: one column's value as text
     * (a string without quotes), several as a JSON object; null when there is no key or it is NULL.
     */
    byte[] key(int[] columns) {
        if (columns.length == 0) {
            return null;
        }
        if (columns.length == 1) {
            Object value = values[columns[0] - 1];
            if (value == null || value instanceof JsonNode node && node.isNull()) {
                return null;
            }
            if (value instanceof String text) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
            if (value instanceof Long number) {
                return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
            }
            if (value instanceof Temporal timestamp) {
                return Timestamps.format(timestamp).getBytes(StandardCharsets.UTF_8);
            }
            if (value instanceof JsonNode node && node.isTextual()) {
                return node.textValue().getBytes(StandardCharsets.UTF_8);
            }
            length = 0;
            write(value);
            return Arrays.copyOf(buffer, length);
        }
        length = 0;
        writeObject(columns, 1);
        return Arrays.copyOf(buffer, length);
    }

    /** An object of the {@code columns}, numbered from {@code base}, of the row last read. */
    private void writeObject(int[] columns, int base) {
        append((byte) '{');
        for (int i = 0; i < columns.length; i++) {
            if (i > 0) {
                append((byte) ',');
            }
            int column = columns[i] - base;
            append(fieldNames[column]);
            write(values[column]);
        }
        append((byte) '}');
    }

    private void write(Object value) {
        if (value == null) {
            append(NULL);
        } else if (value instanceof String text) {
            writeString(text);
        } else if (value instanceof Long number) {
            writeLong(number);
        } else if (value instanceof BigDecimal decimal && Math.abs(decimal.scale()) <= MAX_PLAIN_SCALE) {
            writeAscii(decimal.toPlainString());
        } else if (value instanceof Temporal timestamp) {
            append((byte) '"');
            writeAscii(Timestamps.format(timestamp));
            append((byte) '"');
        } else if (value instanceof Boolean bool) {
            append(bool ? TRUE : FALSE);
        } else if (value instanceof Object[] elements) {
            append((byte) '[');
            for (int i = 0; i < elements.length; i++) {
                if (i > 0) {
                    append((byte) ',');
                }
                write(elements[i]);
            }
            append((byte) ']');
        } else {
            writeWithJackson(value);
        }
    }

    /** Printable ASCII by hand, escaping only the quote and the backslash as Jackson does; any other text by Jackson. */
    private void writeString(String text) {
        int start = length;
        ensureRoom(text.length() * 2 + 2);
        byte[] out = buffer;
        int at = start;
        out[at++] = '"';
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7F) {
                writeWithJackson(text);
                return;
            }
            if (c == '"' || c == '\\') {
                out[at++] = '\\';
            }
            out[at++] = (byte) c;
        }
        out[at++] = '"';
        length = at;
    }

    private void writeLong(long number) {
        ensureRoom(20);
        length = NumberOutput.outputLong(number, buffer, length);
    }

    /** Text known to be ASCII: digits, signs, points, ISO date-times. */
    private void writeAscii(String text) {
        ensureRoom(text.length());
        for (int i = 0; i < text.length(); i++) {
            buffer[length + i] = (byte) text.charAt(i);
        }
        length += text.length();
    }

    /** The values {@link #write} leaves to Jackson: text with escapes or beyond ASCII, and the rarer types. */
    private void writeWithJackson(Object value) {
        try {
            if (value instanceof String text) {
                generator.writeString(text);
            } else if (value instanceof BigDecimal decimal) {
                generator.writeNumber(decimal);
            } else if (value instanceof Double number) {
                generator.writeNumber(number);
            } else if (value instanceof BigInteger number) {
                generator.writeNumber(number);
            } else if (value instanceof JsonNode node) {
                generator.writeTree(node);
            } else {
                throw new IllegalStateException("a column value of unexpected class " + value.getClass().getName());
            }
            generator.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
        append(output.toByteArray());
        output.reset();
    }

    private void append(byte b) {
        ensureRoom(1);
        buffer[length++] = b;
    }

    private void append(byte[] bytes) {
        ensureRoom(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void ensureRoom(int bytes) {
        if (length + bytes > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + bytes));
        }
    }

    /**
     * The value a driver returned, as one of the classes {@link #write} knows: integers as Long,
     * floating point as Double (or its name when not finite), date-time types as their ISO text,
     * binary as base64, arrays as Object[], anything else as its text.
     */
    private static Object normalize(Object value) throws SQLException {
        if (value == null || value instanceof Boolean || value instanceof Long || value instanceof BigDecimal
                || value instanceof BigInteger || value instanceof String) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            // JSON has no NaN or infinity: keep their names rather than lose the value.
            return Double.isFinite(d) ? (Object) d : Double.toString(d);
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof OffsetDateTime || value instanceof LocalDateTime) {
            return Timestamps.format((Temporal) value);
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return Timestamps.format(timestamp.toLocalDateTime());
        }
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate().toString();
        }
        if (value instanceof java.sql.Time time) {
            return time.toLocalTime().toString();
        }
        if (value instanceof Array array) {
            try {
                Object elements = array.getArray();
                // Drivers hand out the elements of a timestamp-with-zone array as java.sql.Timestamp,
                // which holds the instant but not that it has a zone.
                if (elements instanceof java.sql.Timestamp[] timestamps
                        && Timestamps.hasTimeZone(array.getBaseType(), array.getBaseTypeName())) {
                    return Arrays.stream(timestamps)
                            .map(t -> t == null ? null : Timestamps.format(t.toInstant().atOffset(ZoneOffset.UTC)))
                            .toArray();
                }
                return normalize(elements);
            } finally {
                array.free();
            }
        }
        if (value instanceof Object[] elements) {
            Object[] normalized = new Object[elements.length];
            for (int i = 0; i < elements.length; i++) {
                normalized[i] = normalize(elements[i]);
            }
            return normalized;
        }
        return value.toString();
    }

    private static Object json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    /** How a column is read, decided once per result set from its SQL type. */
    private enum ColumnKind {
        JSON {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                return json(rs.getString(i));
            }
        },
        UUID {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                Object value = rs.getObject(i);
                return value == null ? null : value.toString();
            }
        },
        BOOLEAN {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                boolean value = rs.getBoolean(i);
                return rs.wasNull() ? null : value;
            }
        },
        DECIMAL {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                return rs.getBigDecimal(i);
            }
        },
        FLOATING {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                double value = rs.getDouble(i);
                return rs.wasNull() ? null : normalize(value);
            }
        },
        DATE {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                return text(rs.getObject(i, LocalDate.class));
            }
        },
        TIME {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                return text(rs.getObject(i, LocalTime.class));
            }
        },
        TIME_WITH_TIME_ZONE {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                return text(rs.getObject(i, OffsetTime.class));
            }
        },
        LOCAL_TIMESTAMP {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                return rs.getObject(i, LocalDateTime.class);
            }
        },
        ZONED_TIMESTAMP {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                return dialect.readZonedTimestamp(rs, i);
            }
        },
        BINARY {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                return normalize(rs.getBytes(i));
            }
        },
        TEXT {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                return rs.getString(i);
            }
        },
        ARRAY {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                Object value = normalize(rs.getArray(i));
                return rs.wasNull() ? null : value;
            }
        },
        OTHER {
            @Override
            Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
                Object value = normalize(rs.getObject(i));
                return rs.wasNull() ? null : value;
            }
        };

        abstract Object read(ResultSet rs, int i, Dialect dialect) throws SQLException;

        static ColumnKind of(int type, String typeName, int precision) {
            String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
            if (name.equals("json") || name.equals("jsonb")) {
                return JSON;
            }
            if (name.equals("uuid")) {
                return UUID;
            }
            return switch (type) {
                case Types.BOOLEAN -> BOOLEAN;
                case Types.BIT -> precision <= 1 ? BOOLEAN : OTHER;
                case Types.DECIMAL, Types.NUMERIC -> DECIMAL;
                case Types.REAL, Types.FLOAT, Types.DOUBLE -> FLOATING;
                case Types.DATE -> DATE;
                case Types.TIME -> TIME;
                case Types.TIME_WITH_TIMEZONE -> TIME_WITH_TIME_ZONE;
                case Types.TIMESTAMP -> LOCAL_TIMESTAMP;
                case Types.TIMESTAMP_WITH_TIMEZONE -> ZONED_TIMESTAMP;
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BINARY;
                case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                     Types.CLOB, Types.NCLOB -> TEXT;
                case Types.ARRAY -> ARRAY;
                default -> OTHER;
            };
        }

        private static String text(Object value) {
            return value == null ? null : value.toString();
        }
    }
}
