package io.tributary.plugins.journald;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns journal entries into records: the value per {@code format}, the key per {@code key}, the
 * entry's {@code __REALTIME_TIMESTAMP} as the record's timestamp, and its cursor as checkpoint.
 */
final class EntryRecords {
    /** The checkpoint's one field. */
    static final String CURSOR_FIELD = "cursor";

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_NAMES_KEPT = 1024;

    private final JournaldConfig config;
    private final String stream;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(2048);
    /** Field names as Jackson writes them, encoded once; bounded, as applications may invent field names. */
    private final Map<String, SerializedString> names = new HashMap<>();

    EntryRecords(JournaldConfig config) {
        this.config = config;
        this.stream = config.stream();
    }

    /** The checkpoint that resumes after {@code entry}. */
    Checkpoint checkpoint(JournalEntry entry) {
        return new Checkpoint(stream, Position.of(CURSOR_FIELD, entry.cursor()));
    }

    SourceRecord record(JournalEntry entry) {
        SourceRecord.Builder record = SourceRecord.builder(config.topic())
                .value(config.format() == JournaldConfig.Format.JSON ? json(entry) : entry.value(JournalEntry.MESSAGE))
                .checkpoint(checkpoint(entry));
        byte[] key = switch (config.key()) {
            case UNIT -> entry.value(JournalEntry.SYSTEMD_UNIT);
            case HOSTNAME -> entry.value(JournalEntry.HOSTNAME);
            case NONE -> null;
        };
        if (key != null) {
            record.key(key);
        }
        Long micros = realtimeMicros(entry);
        if (micros != null) {
            record.timestamp(Math.floorDiv(micros, 1000));
        }
        return record.build();
    }

    /**
     * The entry as a JSON object: each field under its journal name, in the order journalctl gave
     * them; a name the entry holds several times maps to the list of its values.
     */
    byte[] json(JournalEntry entry) {
        buffer.reset();
        try (JsonGenerator json = JSON.createGenerator(buffer)) {
            json.writeStartObject();
            Map<String, List<JournalEntry.Field>> repeated = repeatedFields(entry);
            for (JournalEntry.Field field : entry.fields()) {
                List<JournalEntry.Field> values = repeated == null ? null : repeated.get(field.name());
                if (values == null) {
                    json.writeFieldName(name(field.name()));
                    writeValue(json, field);
                } else if (values.get(0) == field) {
                    json.writeFieldName(name(field.name()));
                    json.writeStartArray();
                    for (JournalEntry.Field value : values) {
                        writeValue(json, value);
                    }
                    json.writeEndArray();
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return buffer.toByteArray();
    }

    private SerializedString name(String name) {
        SerializedString encoded = names.get(name);
        if (encoded == null) {
            encoded = new SerializedString(name);
            if (names.size() < MAX_NAMES_KEPT) {
                names.put(name, encoded);
            }
        }
        return encoded;
    }

    /**
     * The fields whose name occurs more than once, by name; {@code null} when none does (nearly
     * always). Compares every pair: entries have a few dozen fields, and a set costs more.
     */
    private static Map<String, List<JournalEntry.Field>> repeatedFields(JournalEntry entry) {
        List<JournalEntry.Field> fields = entry.fields();
        Map<String, List<JournalEntry.Field>> repeated = null;
        for (int i = 1; i < fields.size(); i++) {
            String name = fields.get(i).name();
            for (int j = 0; j < i; j++) {
                if (fields.get(j).name().equals(name)) {
                    if (repeated == null) {
                        repeated = new LinkedHashMap<>();
                    }
                    repeated.put(name, new ArrayList<>());
                    break;
                }
            }
        }
        if (repeated != null) {
            for (JournalEntry.Field field : entry.fields()) {
                List<JournalEntry.Field> values = repeated.get(field.name());
                if (values != null) {
                    values.add(field);
                }
            }
        }
        return repeated;
    }

    /**
     * {@code __REALTIME_TIMESTAMP} as ISO-8601 in UTC with its microseconds; {@code MESSAGE} as text
     * (invalid UTF-8 replaced by U+FFFD); any other value as text when it is UTF-8, else base64.
     */
    private static void writeValue(JsonGenerator json, JournalEntry.Field field) throws IOException {
        byte[] value = field.value();
        if (field.name().equals(JournalEntry.REALTIME_TIMESTAMP)) {
            Long micros = parseMicros(value);
            if (micros != null) {
                json.writeString(iso8601(micros));
                return;
            }
        }
        if (!field.binary() || isUtf8(value)) {
            // export format writes a value as text only when it is printable UTF-8
            json.writeUTF8String(value, 0, value.length);
        } else if (field.name().equals(JournalEntry.MESSAGE)) {
            json.writeString(new String(value, StandardCharsets.UTF_8));
        } else {
            json.writeString(Base64.getEncoder().encodeToString(value));
        }
    }

    /**
     * ISO-8601 in UTC with all six digits of the microseconds, so that the text sorts as the time
     * does. Written by hand: DateTimeFormatter's fraction goes through BigDecimal, and this runs per entry.
     */
    static String iso8601(long micros) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), 0, ZoneOffset.UTC);
        StringBuilder text = new StringBuilder(27);
        int year = time.getYear();
        if (year < 1000 || year > 9999) {
            return DateTimeFormatter.ISO_INSTANT.format(time.toInstant(ZoneOffset.UTC).plusNanos(Math.floorMod(micros, 1_000_000L) * 1000L));
        }
        text.append(year).append('-');
        twoDigits(text, time.getMonthValue()).append('-');
        twoDigits(text, time.getDayOfMonth()).append('T');
        twoDigits(text, time.getHour()).append(':');
        twoDigits(text, time.getMinute()).append(':');
        twoDigits(text, time.getSecond()).append('.');
        String fraction = Long.toString(Math.floorMod(micros, 1_000_000L));
        text.append("000000", fraction.length(), 6).append(fraction);
        return text.append('Z').toString();
    }

    private static StringBuilder twoDigits(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** The entry's {@code __REALTIME_TIMESTAMP} as ISO-8601, or {@code null} when it has none that reads. */
    static String realtime(JournalEntry entry) {
        Long micros = realtimeMicros(entry);
        return micros == null ? null : iso8601(micros);
    }

    private static Long realtimeMicros(JournalEntry entry) {
        byte[] value = entry.value(JournalEntry.REALTIME_TIMESTAMP);
        return value == null ? null : parseMicros(value);
    }

    private static Long parseMicros(byte[] value) {
        if (value.length == 0 || value.length > 19) {
            return null;
        }
        long micros = 0;
        for (byte b : value) {
            if (b < '0' || b > '9') {
                return null;
            }
            micros = micros * 10 + (b - '0');
        }
        return micros;
    }

    private static boolean isUtf8(byte[] value) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
