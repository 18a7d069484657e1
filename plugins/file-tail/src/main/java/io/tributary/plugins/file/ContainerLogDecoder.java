package io.tributary.plugins.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes the lines container runtimes write ({@code format: cri} and {@code format: docker}) into
 * their message, with the stream and time as {@link ContainerFields}, and joins the pieces of a line
 * the runtime split (CRI tag {@code P}, a Docker {@code log} without its newline) back into one.
 *
 * <p>A line being joined stays with its file, as a multiline event does: the checkpoint never passes
 * its first piece. Pieces are joined per file, not per stream: a line of the other stream arriving
 * meanwhile sends what was joined so far first, flagged partial, so that no checkpoint passes it.
 * A line that is not in the format is sent as it is, counted in {@code file.container.invalid}.
 */
final class ContainerLogDecoder implements LineSink {
    /** The pieces of a line joined so far, from file offset {@code startOffset}. */
    static final class Partial {
        private final long startOffset;
        private final ContainerFields fields;
        private byte[] bytes = new byte[256];
        private int length;
        private long endOffset;
        private long endTailHash;

        private Partial(long startOffset, ContainerFields fields) {
            this.startOffset = startOffset;
            this.fields = fields;
        }

        private void append(byte[] source, int from, int to, long endOffset, long endTailHash) {
            this.endOffset = endOffset;
            this.endTailHash = endTailHash;
            int needed = length + to - from;
            if (needed > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
            }
            System.arraycopy(source, from, bytes, length, to - from);
            length = needed;
        }
    }

    private final FileSourceConfig.Format format;
    private final int maxLineBytes;
    private final LineSink next;
    private final FileMetrics metrics;
    private final JsonFactory json = new JsonFactory();

    ContainerLogDecoder(FileSourceConfig config, LineSink next, FileMetrics metrics) {
        this.format = config.format();
        this.maxLineBytes = config.maxLineBytes();
        this.next = next;
        this.metrics = metrics;
    }

    @Override
    public void line(TrackedFile file, byte[] source, int from, int to, long startOffset, long endOffset, long tailHash,
                     int flags, ContainerFields ignored) {
        Decoded line = (flags & (LineRecords.SPLIT | LineRecords.TRUNCATED)) != 0 ? null
                : format == FileSourceConfig.Format.CRI ? cri(source, from, to) : docker(source, from, to);
        Partial partial = file.containerPartial();
        if (line == null) {
            metrics.containerInvalid.increment();
            flush(file);
            next.line(file, source, from, to, startOffset, endOffset, tailHash, flags, null);
            return;
        }
        if (partial != null && !Arrays.equals(partial.fields.stream(), line.fields.stream())) {
            flush(file);
            partial = null;
        }
        if (partial == null && !line.partial) {
            next.line(file, line.message, line.from, line.to, startOffset, endOffset, tailHash, flags, line.fields);
            return;
        }
        if (partial == null) {
            partial = new Partial(startOffset, line.fields);
            file.containerPartial(partial);
        }
        partial.append(line.message, line.from, line.to, endOffset, tailHash);
        if (!line.partial || partial.length >= maxLineBytes) {
            file.containerPartial(null);
            int joinedFlags = line.partial ? LineRecords.SPLIT : 0;
            next.line(file, partial.bytes, 0, partial.length, partial.startOffset, endOffset, tailHash,
                    flags | joinedFlags, partial.fields);
        }
    }

    /**
     * Sends the pieces joined so far, flagged partial: the file went quiet, away or was truncated.
     * Their checkpoint is the end of the last piece read, which the reader gives again here.
     */
    @Override
    public void flush(TrackedFile file) {
        Partial partial = file.containerPartial();
        if (partial != null) {
            file.containerPartial(null);
            next.line(file, partial.bytes, 0, partial.length, partial.startOffset, partial.endOffset,
                    partial.endTailHash, LineRecords.PARTIAL, partial.fields);
        }
        next.flush(file);
    }

    /** A decoded line: its message in {@code message[from, to)}, its fields, and whether more pieces follow. */
    private record Decoded(byte[] message, int from, int to, ContainerFields fields, boolean partial) {
    }

    /** {@code 2016-10-06T00:17:09.669794202Z stdout F message}: time, stream, tag (P or F, maybe more), message. */
    private static Decoded cri(byte[] bytes, int from, int to) {
        int afterTime = indexOf(bytes, ' ', from, to);
        int afterStream = afterTime < 0 ? -1 : indexOf(bytes, ' ', afterTime + 1, to);
        if (afterStream < 0 || afterTime == from || afterStream == afterTime + 1 || afterStream + 1 >= to) {
            return null;
        }
        int afterTag = indexOf(bytes, ' ', afterStream + 1, to);
        int tagEnd = afterTag < 0 ? to : afterTag;
        byte tag = bytes[afterStream + 1];
        boolean tagValid = (tag == 'P' || tag == 'F') && (tagEnd == afterStream + 2 || bytes[afterStream + 2] == ':');
        if (!tagValid) {
            return null;
        }
        ContainerFields fields = new ContainerFields(Arrays.copyOfRange(bytes, afterTime + 1, afterStream),
                Arrays.copyOfRange(bytes, from, afterTime));
        int messageFrom = afterTag < 0 ? to : afterTag + 1;
        return new Decoded(bytes, messageFrom, to, fields, tag == 'P');
    }

    /** {@code {"log":"message\n","stream":"stdout","time":"2019-01-01T11:11:11.111111111Z"}}. */
    private Decoded docker(byte[] bytes, int from, int to) {
        String log = null;
        String stream = null;
        String time = null;
        try (JsonParser parser = json.createParser(bytes, from, to - from)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING && name.equals("log")) {
                    log = parser.getText();
                } else if (value == JsonToken.VALUE_STRING && name.equals("stream")) {
                    stream = parser.getText();
                } else if (value == JsonToken.VALUE_STRING && name.equals("time")) {
                    time = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException notJson) {
            return null;
        }
        if (log == null || stream == null || time == null) {
            return null;
        }
        boolean partial = !log.endsWith("\n");
        byte[] message = (partial ? log : log.substring(0, log.length() - 1)).getBytes(StandardCharsets.UTF_8);
        ContainerFields fields = new ContainerFields(stream.getBytes(StandardCharsets.UTF_8),
                time.getBytes(StandardCharsets.UTF_8));
        return new Decoded(message, 0, message.length, fields, partial);
    }

    private static int indexOf(byte[] bytes, char character, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == character) {
                return i;
            }
        }
        return -1;
    }
}
