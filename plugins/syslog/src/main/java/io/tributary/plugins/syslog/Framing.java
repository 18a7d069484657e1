package io.tributary.plugins.syslog;

import java.util.Arrays;
import java.util.Locale;

/** How messages are delimited on a TCP or TLS stream (RFC 6587); the {@code framing} setting. */
enum Framing {
    /** Decided per connection by its first byte: a digit means octet counting, anything else newline. */
    AUTO,
    /** {@code MSG-LEN SP SYSLOG-MSG}, the length in ASCII decimal. */
    OCTET_COUNTING,
    /** Each message ends with LF (a CR before it is dropped) or NUL. */
    NEWLINE;

    String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] settingValues() {
        return Arrays.stream(values()).map(Framing::settingValue).toArray(String[]::new);
    }

    static Framing ofSettingValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
