package io.tributary.plugins.syslog;

import java.util.Arrays;
import java.util.Locale;

/** What the {@code format} setting says the messages are, and so how they are parsed. */
enum Format {
    /** RFC 5424 when a version follows the priority, RFC 3164 otherwise. */
    AUTO,
    RFC5424,
    RFC3164,
    /** Not parsed: the record's value is the message's bytes. */
    RAW;

    String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] settingValues() {
        return Arrays.stream(values()).map(Format::settingValue).toArray(String[]::new);
    }

    static Format ofSettingValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
