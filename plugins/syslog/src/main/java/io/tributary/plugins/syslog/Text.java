package io.tributary.plugins.syslog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A text field of a message: a slice of the received bytes, decoded only when a caller asks for the
 * string, so that writing the JSON copies the bytes instead of decoding and encoding them again; or
 * a string the parser made (a completed RFC 3164 timestamp). Immutable.
 */
final class Text {
    private final byte[] bytes;
    private final int start;
    private final int end;
    /** The decoded text; computed once, when first asked. */
    private String string;

    private Text(byte[] bytes, int start, int end, String string) {
        this.bytes = bytes;
        this.start = start;
        this.end = end;
        this.string = string;
    }

    /** The UTF-8 text of {@code bytes[start, end)}; the bytes must not change afterwards. */
    static Text slice(byte[] bytes, int start, int end) {
        return new Text(bytes, start, end, null);
    }

    static Text of(String string) {
        return string == null ? null : new Text(null, 0, 0, string);
    }

    /** {@code text} as a string, or null. */
    static String string(Text text) {
        return text == null ? null : text.toString();
    }

    /** True when this is a slice of received bytes, see {@link #bytes()}. */
    boolean isSlice() {
        return bytes != null;
    }

    /** The received bytes this slice is part of: from {@link #start()} to {@link #end()}. */
    byte[] bytes() {
        return bytes;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    /** The text's UTF-8 bytes, as {@code toString().getBytes(UTF_8)} gives them. */
    byte[] utf8() {
        if (bytes != null && isAscii(bytes, start, end)) {
            return Arrays.copyOfRange(bytes, start, end);
        }
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isAscii(byte[] bytes, int start, int end) {
        for (int i = start; i < end; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** True when this is a slice of exactly one byte, {@code b}: an RFC 5424 {@code -} or version {@code 1}. */
    boolean isSingleByte(byte b) {
        return bytes != null && end - start == 1 && bytes[start] == b;
    }

    @Override
    public String toString() {
        if (string == null) {
            string = new String(bytes, start, end - start, StandardCharsets.UTF_8);
        }
        return string;
    }
}
