package io.tributary.plugins.syslog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the JSON object of one message after another into a byte buffer reused for every message
 * of a thread: a Jackson generator per message cost as much as the rest of the work, and encoding
 * through Jackson's char buffers most of what remained. Escapes as Jackson does by default:
 * {@code \"}, {@code \\}, {@code \b \t \n \f \r}, a {@code u} escape with four upper-case hex
 * digits for the other control characters and for each half of a surrogate pair (so a lone one
 * cannot make the bytes invalid UTF-8); all else as UTF-8. Not thread-safe.
 */
final class JsonBuffer {
    private static final int INITIAL_BYTES = 1024;
    /** A buffer grown past this for a huge message is let go, not kept for the thread's life. */
    private static final int MAX_RETAINED_BYTES = 1 << 20;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    /** For ASCII: 0 to write the byte as is, the letter of a two-character escape, or 'u' for a {@code u} escape. */
    private static final byte[] ESCAPES = new byte[128];

    static {
        Arrays.fill(ESCAPES, 0, 0x20, (byte) 'u');
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
    }

    /**
     * A member name encoded once, quoted and with its colon: the fixed names of every message cost a
     * copy, not an escaping pass each.
     */
    static final class Name {
        private final byte[] encoded;

        private Name(byte[] encoded) {
            this.encoded = encoded;
        }
    }

    private byte[] bytes = new byte[INITIAL_BYTES];
    private int length;
    /** False right after an opening brace or bracket, where the next member needs no comma. */
    private boolean needsComma;

    /** {@code name} encoded for {@link #stringField(Name, String)} and the other members taking a {@link Name}. */
    static Name encodedName(String name) {
        JsonBuffer json = new JsonBuffer();
        json.quoted(name);
        json.append(':');
        return new Name(json.toByteArray());
    }

    /** {@code value} as a JSON string, for a value many messages share: see {@link #encodedField}. */
    static byte[] encodedString(String value) {
        JsonBuffer json = new JsonBuffer();
        json.quoted(value);
        return json.toByteArray();
    }

    /** Starts the next value, dropping whatever an earlier one left unfinished. */
    void startObject() {
        if (bytes.length > MAX_RETAINED_BYTES) {
            bytes = new byte[INITIAL_BYTES];
        }
        length = 0;
        append('{');
        needsComma = false;
    }

    void endObject() {
        append('}');
        needsComma = true;
    }

    void startObjectField(String name) {
        name(name);
        append('{');
        needsComma = false;
    }

    void startObjectField(Name name) {
        name(name);
        append('{');
        needsComma = false;
    }

    void startArrayField(String name) {
        name(name);
        append('[');
        needsComma = false;
    }

    void endArray() {
        append(']');
        needsComma = true;
    }

    /** {@code null} is written as JSON null. */
    void stringField(String name, String value) {
        name(name);
        stringValue(value);
    }

    /** {@code null} is written as JSON null. */
    void stringField(Name name, String value) {
        name(name);
        stringValue(value);
    }

    /** {@code null} is written as JSON null; a slice of ASCII bytes is escaped from the bytes, without decoding them. */
    void textField(Name name, Text value) {
        name(name);
        if (value != null && value.isSlice() && quotedAscii(value.bytes(), value.start(), value.end())) {
            needsComma = true;
        } else {
            stringValue(Text.string(value));
        }
    }

    /** A member whose value is already JSON: {@code encodedValue} is written as it is. */
    void encodedField(Name name, byte[] encodedValue) {
        name(name);
        ensure(encodedValue.length);
        System.arraycopy(encodedValue, 0, bytes, length, encodedValue.length);
        length += encodedValue.length;
        needsComma = true;
    }

    void nullField(Name name) {
        name(name);
        stringValue(null);
    }

    /** An array element, or {@code null}. */
    void arrayString(String value) {
        separate();
        stringValue(value);
    }

    /** The value written since {@link #startObject}. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void name(String name) {
        separate();
        quoted(name);
        append(':');
    }

    private void name(Name name) {
        separate();
        ensure(name.encoded.length);
        System.arraycopy(name.encoded, 0, bytes, length, name.encoded.length);
        length += name.encoded.length;
    }

    private void stringValue(String value) {
        if (value == null) {
            ensure(NULL.length);
            System.arraycopy(NULL, 0, bytes, length, NULL.length);
            length += NULL.length;
        } else {
            quoted(value);
        }
        needsComma = true;
    }

    private void separate() {
        if (needsComma) {
            append(',');
        }
    }

    private void quoted(String text) {
        // An escape, the longest a char becomes, is 6 bytes.
        ensure(text.length() * 6 + 2);
        byte[] out = bytes;
        int at = length;
        out[at++] = '"';
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                byte escape = ESCAPES[c];
                if (escape == 0) {
                    out[at++] = (byte) c;
                } else if (escape == 'u') {
                    at = unicodeEscape(out, at, c);
                } else {
                    out[at++] = '\\';
                    out[at++] = escape;
                }
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | c >> 6);
                out[at++] = (byte) (0x80 | c & 0x3F);
            } else if (!Character.isSurrogate(c)) {
                out[at++] = (byte) (0xE0 | c >> 12);
                out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[at++] = (byte) (0x80 | c & 0x3F);
            } else {
                at = unicodeEscape(out, at, c);
            }
        }
        out[at++] = '"';
        length = at;
    }

    /**
     * Writes {@code bytes[start, end)} quoted, as {@link #quoted(String)} writes their text, when they
     * are all ASCII; false, with nothing written, when one is not (its text is then decoded and
     * written by {@link #quoted(String)}, which handles what UTF-8 decoding replaces).
     */
    private boolean quotedAscii(byte[] text, int start, int end) {
        ensure((end - start) * 6 + 2);
        byte[] out = bytes;
        int at = length;
        out[at++] = '"';
        for (int i = start; i < end; i++) {
            byte b = text[i];
            if (b < 0) {
                return false;
            }
            byte escape = ESCAPES[b];
            if (escape == 0) {
                out[at++] = b;
            } else if (escape == 'u') {
                at = unicodeEscape(out, at, (char) b);
            } else {
                out[at++] = '\\';
                out[at++] = escape;
            }
        }
        out[at++] = '"';
        length = at;
        return true;
    }

    /** Writes {@code c} as a backslash, {@code u} and four hex digits at {@code at}; returns the position after. */
    private static int unicodeEscape(byte[] out, int at, char c) {
        out[at] = '\\';
        out[at + 1] = 'u';
        out[at + 2] = HEX[c >> 12];
        out[at + 3] = HEX[c >> 8 & 0xF];
        out[at + 4] = HEX[c >> 4 & 0xF];
        out[at + 5] = HEX[c & 0xF];
        return at + 6;
    }

    private void append(char c) {
        ensure(1);
        bytes[length++] = (byte) c;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
