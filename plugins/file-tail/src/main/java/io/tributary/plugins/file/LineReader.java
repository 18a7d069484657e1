package io.tributary.plugins.file;

import io.tributary.plugins.file.FileSourceConfig.MaxLineAction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a file's bytes in chunks and cuts them into lines for a {@link LineSink}: long lines split or
 * truncated as {@code max_line_action} says, a partial last line held until its newline comes or the
 * file goes quiet, and each line's resume point with the hash of the bytes before it.
 *
 * <p>It does not change a file's identity: a file found truncated or rewritten is
 * {@linkplain Read#truncation() reported} to the caller, who re-identifies it.
 */
final class LineReader {
    private static final int MIN_READ_BUFFER_BYTES = 256 * 1024;

    /** What one {@link #read} did: consumed bytes, or found the file truncated and read nothing. */
    record Read(boolean consumed, String truncation) {
        static final Read NOTHING = new Read(false, null);
        static final Read CONSUMED = new Read(true, null);

        static Read truncated(String reason) {
            return new Read(false, reason);
        }
    }

    private final int maxLineBytes;
    private final MaxLineAction maxLineAction;
    private final boolean utf8;
    private final LineSink sink;
    private final FileMetrics metrics;
    private final ByteBuffer buffer;
    /** The file whose bytes the buffer holds, from file offset {@link #chunkBase}; null when none. */
    private TrackedFile chunkFile;
    private long chunkBase;
    private int chunkLength;
    private long linesRead;
    private long bytesRead;

    LineReader(FileSourceConfig config, LineSink sink, FileMetrics metrics) {
        this.maxLineBytes = config.maxLineBytes();
        this.maxLineAction = config.maxLineAction();
        this.utf8 = config.encoding().equals(StandardCharsets.UTF_8);
        this.sink = sink;
        this.metrics = metrics;
        this.buffer = ByteBuffer.allocate(Math.max(MIN_READ_BUFFER_BYTES,
                config.maxLineBytes() + FileCheckpoint.TAIL_CHECK_BYTES + 2));
    }

    /**
     * Reads one buffer of {@code file} into lines, as many as {@code output} may still take.
     *
     * @param nowNanos the time now, noted when the file's size changed
     */
    Read read(TrackedFile file, PollOutput output, long nowNanos) throws IOException {
        long size = file.size(nowNanos);
        if (size < file.readOffset()) {
            return Read.truncated("its size " + size + " is below the offset read, " + file.readOffset());
        }
        if (file.isReadUpTo(size)) {
            return Read.NOTHING;
        }
        int check = file.tailLength();
        long base = file.readOffset() - check;
        buffer.clear().limit((int) Math.min(buffer.capacity(), size - base));
        while (buffer.hasRemaining() && file.channel().read(buffer, base + buffer.position()) >= 0) {
            continue;
        }
        int length = buffer.position();
        byte[] bytes = buffer.array();
        if (length < check || !file.hasTail(bytes, check)) {
            return Read.truncated("the bytes before offset " + file.readOffset() + " changed");
        }
        chunkFile = file;
        chunkBase = base;
        chunkLength = length;
        int position;
        try {
            position = scanLines(file, bytes, check, length, output);
        } finally {
            chunkFile = null;
        }
        bytesRead += position - check;
        file.readTo(base + position, bytes, position);
        if (!output.exhausted() && base + length == size) {
            file.caughtUpAt(size);
        }
        return position > check ? Read.CONSUMED : Read.NOTHING;
    }

    /** Hands over the complete lines in {@code bytes[from, length)}; returns where the unread rest begins. */
    private int scanLines(TrackedFile file, byte[] bytes, int from, int length, PollOutput output) throws IOException {
        int position = from;
        while (position < length && !output.exhausted()) {
            if (file.truncatedHead() != null) {
                int newline = indexOfNewline(bytes, position, length);
                if (newline < 0) {
                    return length;
                }
                long headOffset = file.truncatedHeadOffset();
                byte[] head = file.takeTruncatedHead();
                line(file, head, 0, head.length, headOffset, chunkBase + newline + 1, LineRecords.TRUNCATED);
                position = newline + 1;
                continue;
            }
            int newline = indexOfNewline(bytes, position, (int) Math.min(length, (long) position + maxLineBytes + 2));
            if (newline >= 0) {
                int end = newline > position && bytes[newline - 1] == '\r' ? newline - 1 : newline;
                if (end - position <= maxLineBytes) {
                    int flags = file.isSplitting() ? LineRecords.SPLIT : 0;
                    file.splitting(false);
                    line(file, bytes, position, end, chunkBase + position, chunkBase + newline + 1, flags);
                    position = newline + 1;
                    continue;
                }
            } else if (length - position < maxLineBytes + 2) {
                break;
            }
            position = longLine(file, bytes, position, length, newline);
        }
        return position;
    }

    /** A line longer than max_line_bytes starts at {@code position}; returns where reading goes on. */
    private int longLine(TrackedFile file, byte[] bytes, int position, int length, int newline) throws IOException {
        if (maxLineAction == MaxLineAction.SPLIT) {
            int cut = utf8 ? characterBoundary(bytes, position, position + maxLineBytes) : position + maxLineBytes;
            if (!file.isSplitting()) {
                metrics.linesSplit.increment();
            }
            file.splitting(true);
            line(file, bytes, position, cut, chunkBase + position, chunkBase + cut, LineRecords.SPLIT);
            return cut;
        }
        metrics.linesTruncated.increment();
        if (newline < 0) {
            newline = indexOfNewline(bytes, position + maxLineBytes, length);
        }
        if (newline >= 0) {
            line(file, bytes, position, position + maxLineBytes, chunkBase + position, chunkBase + newline + 1,
                    LineRecords.TRUNCATED);
            return newline + 1;
        }
        file.holdTruncatedHead(Arrays.copyOfRange(bytes, position, position + maxLineBytes), chunkBase + position);
        return length;
    }

    /**
     * Hands over what {@code file} holds back, once nothing but a partial line is left to read: the
     * partial last line, a truncated line's head and the event being assembled.
     */
    void flushRest(TrackedFile file) throws IOException {
        flushTruncatedHead(file);
        long start = file.readOffset();
        byte[] rest = file.readRest();
        if (rest.length > 0) {
            metrics.linesPartial.increment();
            bytesRead += rest.length;
            partialLine(file, rest, start);
        }
        sink.flush(file);
    }

    /** Hands over what {@code file} holds in memory, a truncated line's head and the event being assembled. */
    void flushHeld(TrackedFile file) throws IOException {
        flushTruncatedHead(file);
        sink.flush(file);
    }

    private void flushTruncatedHead(TrackedFile file) throws IOException {
        if (file.truncatedHead() != null) {
            long headOffset = file.truncatedHeadOffset();
            byte[] head = file.takeTruncatedHead();
            metrics.linesPartial.increment();
            line(file, head, 0, head.length, headOffset, file.readOffset(), LineRecords.TRUNCATED | LineRecords.PARTIAL);
        }
    }

    /**
     * A last line without its newline, from file offset {@code start}: as max_line_action says when it
     * is longer than max_line_bytes (reading stops short of a newline less than max_line_bytes + 2
     * bytes on, so it can be one byte longer).
     */
    private void partialLine(TrackedFile file, byte[] rest, long start) throws IOException {
        int from = 0;
        while (rest.length - from > maxLineBytes) {
            if (maxLineAction == MaxLineAction.TRUNCATE) {
                metrics.linesTruncated.increment();
                line(file, rest, from, from + maxLineBytes, start + from, start + rest.length,
                        LineRecords.TRUNCATED | LineRecords.PARTIAL);
                return;
            }
            int cut = utf8 ? characterBoundary(rest, from, from + maxLineBytes) : from + maxLineBytes;
            if (!file.isSplitting()) {
                metrics.linesSplit.increment();
            }
            file.splitting(true);
            line(file, rest, from, cut, start + from, start + cut, LineRecords.SPLIT);
            from = cut;
        }
        int flags = LineRecords.PARTIAL | (file.isSplitting() ? LineRecords.SPLIT : 0);
        file.splitting(false);
        line(file, rest, from, rest.length, start + from, start + rest.length, flags);
    }

    private void line(TrackedFile file, byte[] source, int from, int to, long startOffset, long endOffset, int flags)
            throws IOException {
        linesRead++;
        sink.line(file, source, from, to, startOffset, endOffset, tailHash(file, endOffset), flags, null);
    }

    /** The checkpoint hash of the bytes before {@code offset}: from memory when it holds them. */
    private long tailHash(TrackedFile file, long offset) throws IOException {
        int length = (int) Math.min(offset, FileCheckpoint.TAIL_CHECK_BYTES);
        long start = offset - length;
        if (file == chunkFile && start >= chunkBase && offset <= chunkBase + chunkLength) {
            return Hashing.hash(buffer.array(), (int) (start - chunkBase), length);
        }
        if (offset == file.readOffset()) {
            // Also right after a truncation, when the file no longer has these bytes.
            return file.readTailHash();
        }
        return TrackedFile.tailHashAt(file.channel(), offset);
    }

    /** Adds the lines and bytes read since the last call to the metrics: once a poll, not once a line. */
    void publishCounts() {
        if (linesRead > 0) {
            metrics.linesRead.increment(linesRead);
            linesRead = 0;
        }
        if (bytesRead > 0) {
            metrics.bytesRead.increment(bytesRead);
            bytesRead = 0;
        }
    }

    /** {@code cut}, moved back so that it does not split a UTF-8 character. */
    private static int characterBoundary(byte[] bytes, int start, int cut) {
        int boundary = cut;
        while (boundary > start && boundary > cut - 3 && (bytes[boundary] & 0xC0) == 0x80) {
            boundary--;
        }
        return boundary > start ? boundary : cut;
    }

    private static int indexOfNewline(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
