package io.tributary.plugins.journald;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One journal entry as {@code journalctl -o export} writes it: its fields in the order given, a
 * name repeated when the entry holds several values of it, each value's bytes exactly as stored.
 *
 * @param sizeInBytes the bytes of every name and value, what the entry holds in memory
 */
record JournalEntry(List<Field> fields, int sizeInBytes) {
    static final String CURSOR = "__CURSOR";
    static final String REALTIME_TIMESTAMP = "__REALTIME_TIMESTAMP";
    static final String MESSAGE = "MESSAGE";
    static final String SYSTEMD_UNIT = "_SYSTEMD_UNIT";
    static final String HOSTNAME = "_HOSTNAME";

    /**
     * One field.
     *
     * @param binary true when export format wrote the value length-prefixed, as it does for values
     *               holding control characters (a newline, say) or invalid UTF-8
     */
    record Field(String name, byte[] value, boolean binary) {
        String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    /** The first value of {@code name}, or {@code null} when the entry has none. */
    byte[] value(String name) {
        for (Field field : fields) {
            if (field.name().equals(name)) {
                return field.value();
            }
        }
        return null;
    }

    /** The first value of {@code name} as UTF-8 text, or {@code null}. */
    String text(String name) {
        byte[] value = value(name);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The entry's cursor, which journalctl always exports; {@code null} only for input that is not journalctl's. */
    String cursor() {
        return text(CURSOR);
    }
}
