package io.tributary.transforms;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Date;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * {@code timestamp}: sets the record's Kafka timestamp from a field of the value, the event time
 * instead of the time it was read (Filebeat's {@code timestamp} processor, Vector's
 * {@code parse_timestamp!} into {@code .timestamp}). Connect's {@code TimestampConverter} changes a
 * field's type; this sets the record's own time. A missing or unparsable field is an error, for
 * the source's {@code on_error}.
 */
public final class TimestampFromField<R extends ConnectRecord<R>> implements Transformation<R> {
    public static final String TYPE = "timestamp";
    static final String FORMAT = "format";
    static final String TIMEZONE = "timezone";
    static final String ISO8601 = "iso8601";
    static final String EPOCH_MILLIS = "epoch_millis";
    static final String EPOCH_SECONDS = "epoch_seconds";
    static final ConfigDef CONFIG = new ConfigDef()
            .define(Configs.FIELD, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    ConfigDef.Importance.HIGH, "The field holding the time, by name or dotted path.")
            .define(FORMAT, ConfigDef.Type.STRING, ISO8601, ConfigDef.Importance.MEDIUM,
                    "iso8601 (2024-05-01T12:00:00.123Z, the offset optional), epoch_millis, epoch_seconds (fractions allowed), "
                            + "or a java.time DateTimeFormatter pattern such as dd/MMM/yyyy:HH:mm:ss Z.")
            .define(TIMEZONE, ConfigDef.Type.STRING, "UTC", ConfigDef.Importance.LOW,
                    "The zone of times written without an offset, e.g. Europe/Berlin.");

    private String field;
    private String format;
    private DateTimeFormatter formatter;
    private ZoneId zone;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG, configs, false);
        field = config.getString(Configs.FIELD);
        format = config.getString(FORMAT);
        try {
            formatter = switch (format) {
                case ISO8601 -> DateTimeFormatter.ISO_DATE_TIME;
                case EPOCH_MILLIS, EPOCH_SECONDS -> null;
                default -> DateTimeFormatter.ofPattern(format, java.util.Locale.ROOT);
            };
        } catch (IllegalArgumentException e) {
            throw new ConfigException(FORMAT, format, "not a DateTimeFormatter pattern: " + e.getMessage());
        }
        String timezone = config.getString(TIMEZONE);
        try {
            zone = ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new ConfigException(TIMEZONE, timezone, "not a time zone: " + e.getMessage());
        }
    }

    @Override
    public R apply(R record) {
        Object time = Fields.get(record.value(), field);
        if (time == null) {
            throw new DataException(TYPE + ": the value has no field " + field);
        }
        long millis;
        try {
            millis = millis(time);
        } catch (DateTimeException | NumberFormatException | ArithmeticException e) {
            throw new DataException(TYPE + ": field " + field + " is not a time in format " + format + ": " + e.getMessage(), e);
        }
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                record.valueSchema(), record.value(), millis);
    }

    private long millis(Object time) {
        if (time instanceof Date date) {
            return date.getTime();
        }
        String text = Fields.text(time);
        if (text == null) {
            throw new DateTimeException("got " + Fields.describe(time));
        }
        return switch (format) {
            case EPOCH_MILLIS -> new BigDecimal(text).longValueExact();
            case EPOCH_SECONDS -> new BigDecimal(text).movePointRight(3).longValue();
            default -> {
                TemporalAccessor parsed = formatter.parseBest(text, ZonedDateTime::from, LocalDateTime::from, Instant::from);
                Instant instant = parsed instanceof ZonedDateTime zoned ? zoned.toInstant()
                        : parsed instanceof LocalDateTime local ? local.atZone(zone).toInstant() : (Instant) parsed;
                yield instant.toEpochMilli();
            }
        };
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void close() {
    }
}
