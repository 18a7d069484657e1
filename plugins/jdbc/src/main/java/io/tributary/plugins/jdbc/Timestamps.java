package io.tributary.plugins.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.Temporal;
import java.util.Locale;

/**
 * Timestamp values as the database holds them: {@link OffsetDateTime} for columns with a time zone,
 * {@link LocalDateTime} for those without, so a value read from a column binds back to it unchanged.
 */
final class Timestamps {
    private static final DateTimeFormatter MICROS_WITH_OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter NANOS_WITH_OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");
    private static final DateTimeFormatter NANOS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS");

    private Timestamps() {
    }

    /** True when a timestamp type of this SQL type and name has a zone, as PostgreSQL and H2 name them. */
    static boolean hasTimeZone(int sqlType, String typeName) {
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        return sqlType == Types.TIMESTAMP_WITH_TIMEZONE || name.equals("timestamptz") || name.contains("with time zone");
    }

    /**
     * ISO-8601 with a fixed six-digit fraction (nine when the value has sub-microsecond digits, so a
     * position never rounds below the row it names).
     */
    static String format(Temporal value) {
        if (value instanceof OffsetDateTime offsetValue) {
            ZoneOffset offset = offsetValue.getOffset();
            if (isPlain(offsetValue.getYear()) && offset.getTotalSeconds() % 60 == 0) {
                return formatPlain(offsetValue.toLocalDateTime(), offset);
            }
            return (offsetValue.getNano() % 1000 == 0 ? MICROS_WITH_OFFSET : NANOS_WITH_OFFSET).format(offsetValue);
        }
        LocalDateTime localValue = (LocalDateTime) value;
        if (isPlain(localValue.getYear())) {
            return formatPlain(localValue, null);
        }
        return (localValue.getNano() % 1000 == 0 ? MICROS : NANOS).format(localValue);
    }

    /** Years the patterns print as four plain digits, without a sign. */
    private static boolean isPlain(int year) {
        return year >= 0 && year <= 9999;
    }

    /**
     * What the patterns print for a four-digit year and an offset of whole minutes, written by hand:
     * {@link DateTimeFormatter} took as long as reading the row.
     */
    private static String formatPlain(LocalDateTime value, ZoneOffset offset) {
        int nano = value.getNano();
        boolean micros = nano % 1000 == 0;
        byte[] text = new byte[(micros ? 26 : 29) + (offset == null ? 0 : offset.getTotalSeconds() == 0 ? 1 : 6)];
        digits(text, 0, value.getYear(), 4);
        text[4] = '-';
        digits(text, 5, value.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, value.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, value.getHour(), 2);
        text[13] = ':';
        digits(text, 14, value.getMinute(), 2);
        text[16] = ':';
        digits(text, 17, value.getSecond(), 2);
        text[19] = '.';
        int end = micros ? 26 : 29;
        digits(text, 20, micros ? nano / 1000 : nano, end - 20);
        if (offset != null) {
            int seconds = offset.getTotalSeconds();
            if (seconds == 0) {
                text[end] = 'Z';
            } else {
                int minutes = Math.abs(seconds) / 60;
                text[end] = (byte) (seconds < 0 ? '-' : '+');
                digits(text, end + 1, minutes / 60, 2);
                text[end + 3] = ':';
                digits(text, end + 4, minutes % 60, 2);
            }
        }
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    private static void digits(byte[] text, int start, int value, int width) {
        for (int i = start + width - 1; i >= start; i--) {
            text[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * Parses what {@link #format} wrote, or a date-time a user wrote: with an offset it is an
     * {@link OffsetDateTime}, without one a {@link LocalDateTime}; a bare date means its midnight.
     *
     * @throws DateTimeParseException when the text is none of these
     */
    static Temporal parse(String text) {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException notWithOffset) {
            try {
                return LocalDateTime.parse(text);
            } catch (DateTimeParseException notLocal) {
                return LocalDate.parse(text).atStartOfDay();
            }
        }
    }
}
