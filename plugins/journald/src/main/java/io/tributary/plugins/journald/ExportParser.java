package io.tributary.plugins.journald;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the journal export format (systemd's JOURNAL_EXPORT_FORMATS), as {@code journalctl -o
 * export} writes it: per entry, fields {@code NAME=value\n}, or for values with control characters
 * or invalid UTF-8 {@code NAME\n}, a 64-bit little-endian length, the bytes and {@code \n}; an
 * empty line ends the entry. Not thread-safe; reads through its own buffer, so give it the raw
 * stream.
 */
final class ExportParser {
    /** The journal refuses larger entries (journald's ENTRY_SIZE_MAX is 768 MiB); larger is not export format. */
    static final long MAX_FIELD_BYTES = 768L * 1024 * 1024;
    private static final int MAX_NAME_BYTES = 256;

    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;
    /**
     * The names of the previous entry's fields, by position: entries of one journal mostly repeat
     * the same fields in the same order, so a name read again reuses the String (and its hash).
     */
    private final List<String> previousNames = new ArrayList<>();

    ExportParser(InputStream in, int bufferBytes) {
        this.in = in;
        this.buffer = new byte[bufferBytes];
    }

    /**
     * The next entry, or {@code null} at the end of the stream between entries.
     *
     * @throws EOFException       when the stream ends inside an entry
     * @throws MalformedExportException when the bytes are not export format
     */
    JournalEntry next() throws IOException {
        List<JournalEntry.Field> fields = new ArrayList<>(24);
        int size = 0;
        while (true) {
            int first = read();
            if (first < 0) {
                if (fields.isEmpty()) {
                    return null;
                }
                throw new EOFException("journalctl's output ended inside an entry");
            }
            if (first == '\n') {
                if (fields.isEmpty()) {
                    continue;
                }
                previousNames.clear();
                fields.forEach(field -> previousNames.add(field.name()));
                return new JournalEntry(fields, size);
            }
            JournalEntry.Field field = readField(first, fields.size());
            fields.add(field);
            size += field.name().length() + field.value().length;
        }
    }

    private JournalEntry.Field readField(int first, int index) throws IOException {
        int nameStart = position - 1;
        int nameEnd = scan(nameStart);
        String name;
        int terminator;
        if (nameEnd >= 0) {
            name = name(nameStart, nameEnd, index < previousNames.size() ? previousNames.get(index) : null);
            terminator = buffer[nameEnd];
            position = nameEnd + 1;
        } else {
            // The name straddles the buffer's end: rare, so byte by byte.
            StringBuilder slow = new StringBuilder().append((char) first);
            terminator = read();
            while (terminator != '=' && terminator != '\n') {
                if (terminator < 0) {
                    throw new EOFException("journalctl's output ended inside a field name");
                }
                if (slow.length() >= MAX_NAME_BYTES) {
                    throw new MalformedExportException("a field name is longer than " + MAX_NAME_BYTES + " bytes");
                }
                slow.append((char) terminator);
                terminator = read();
            }
            name = slow.toString();
        }
        if (terminator == '=') {
            return new JournalEntry.Field(name, readLine(), false);
        }
        long length = 0;
        for (int i = 0; i < 8; i++) {
            length |= (long) readRequired() << (8 * i);
        }
        if (length < 0 || length > MAX_FIELD_BYTES) {
            throw new MalformedExportException("field " + name + " claims " + Long.toUnsignedString(length) + " bytes");
        }
        byte[] value = new byte[(int) length];
        readFully(value);
        if (readRequired() != '\n') {
            throw new MalformedExportException("field " + name + " does not end with a newline after its "
                    + length + " bytes");
        }
        return new JournalEntry.Field(name, value, true);
    }

    /** The name in {@code buffer[start, end)}: {@code previous} when it is the same. */
    private String name(int start, int end, String previous) {
        if (previous != null && previous.length() == end - start) {
            int i = 0;
            while (i < previous.length() && previous.charAt(i) == buffer[start + i]) {
                i++;
            }
            if (i == previous.length()) {
                return previous;
            }
        }
        return new String(buffer, start, end - start, StandardCharsets.US_ASCII);
    }

    /** The index of the first '=' or '\n' from {@code from} within the buffered bytes, or -1. */
    private int scan(int from) throws MalformedExportException {
        int end = Math.min(limit, from + MAX_NAME_BYTES + 1);
        for (int i = from; i < end; i++) {
            byte b = buffer[i];
            if (b == '=' || b == '\n') {
                return i;
            }
        }
        if (end - from > MAX_NAME_BYTES) {
            throw new MalformedExportException("a field name is longer than " + MAX_NAME_BYTES + " bytes");
        }
        return -1;
    }

    /** The bytes up to the next '\n', which is consumed. */
    private byte[] readLine() throws IOException {
        int start = position;
        for (int i = start; i < limit; i++) {
            if (buffer[i] == '\n') {
                position = i + 1;
                return Arrays.copyOfRange(buffer, start, i);
            }
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream(Math.max(64, (limit - start) * 2));
        line.write(buffer, start, limit - start);
        position = limit;
        while (true) {
            if (!fill()) {
                throw new EOFException("journalctl's output ended inside a field");
            }
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, position, i - position);
                    position = i + 1;
                    return line.toByteArray();
                }
            }
            line.write(buffer, position, limit - position);
            if (line.size() > MAX_FIELD_BYTES) {
                throw new MalformedExportException("a field is longer than " + MAX_FIELD_BYTES + " bytes");
            }
            position = limit;
        }
    }

    private void readFully(byte[] target) throws IOException {
        int done = 0;
        while (done < target.length) {
            if (position == limit && !fill()) {
                throw new EOFException("journalctl's output ended inside a binary field");
            }
            int n = Math.min(target.length - done, limit - position);
            System.arraycopy(buffer, position, target, done, n);
            position += n;
            done += n;
        }
    }

    private int readRequired() throws IOException {
        int b = read();
        if (b < 0) {
            throw new EOFException("journalctl's output ended inside a binary field's length");
        }
        return b;
    }

    private int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /** Refills the buffer, keeping nothing; false at the end of the stream. */
    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /** The stream is not journal export format. */
    static final class MalformedExportException extends IOException {
        MalformedExportException(String message) {
            super("journalctl's output is not export format: " + message);
        }
    }
}
