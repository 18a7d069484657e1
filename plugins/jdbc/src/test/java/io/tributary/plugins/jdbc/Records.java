package io.tributary.plugins.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.api.SourceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reading records back in tests. */
final class Records {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Records() {
    }

    static JsonNode value(SourceRecord record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String valueText(SourceRecord record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    static String key(SourceRecord record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    /** The column {@code name} of the record's row, ignoring case (H2 reports names in upper case). */
    static JsonNode field(SourceRecord record, String name) {
        JsonNode value = value(record);
        var names = value.fieldNames();
        while (names.hasNext()) {
            String candidate = names.next();
            if (candidate.equalsIgnoreCase(name)) {
                return value.get(candidate);
            }
        }
        throw new AssertionError("no column " + name + " in " + value);
    }

    /** The {@code id} column of each record's row. */
    static List<Long> ids(List<SourceRecord> records) {
        return records.stream().map(record -> field(record, "id").asLong()).toList();
    }
}
