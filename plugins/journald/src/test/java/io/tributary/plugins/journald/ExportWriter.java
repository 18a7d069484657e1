package io.tributary.plugins.journald;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes journal export format, as journalctl -o export does and systemd-journal-remote reads it. */
final class ExportWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** {@code NAME=value\n}: for printable UTF-8 without newlines. */
    ExportWriter text(String name, String value) {
        out.writeBytes((name + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** {@code NAME\n}, the value's length as 64-bit little endian, the value, {@code \n}. */
    ExportWriter binary(String name, byte[] value) {
        out.writeBytes((name + "\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value.length).array());
        out.writeBytes(value);
        out.write('\n');
        return this;
    }

    /** A value in the form export format gives it: text when printable, binary otherwise. */
    ExportWriter field(String name, byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        boolean printable = Arrays.equals(text.getBytes(StandardCharsets.UTF_8), value)
                && text.chars().noneMatch(c -> c < ' ' || c == 0x7f);
        return printable ? text(name, text) : binary(name, value);
    }

    /** The empty line that ends an entry. */
    ExportWriter end() {
        out.write('\n');
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
