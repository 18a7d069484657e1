package io.tributary.plugins.file;

import java.util.Arrays;

/** A multiline event being assembled: its lines joined with {@code \n}, and the bytes of the file it spans. */
final class PendingEvent {
    private byte[] bytes;
    private int length;
    private int lines;
    private int flags;
    private final long startOffset;
    private long endOffset;
    /** The checkpoint hash at {@link #endOffset}: kept, as a truncated file no longer has those bytes. */
    private long endTailHash;
    private long lastAppendNanos;
    /** The container fields of its first line, or null. */
    private final ContainerFields fields;

    PendingEvent(byte[] source, int from, int to, long startOffset, long endOffset, long endTailHash, int flags,
                 ContainerFields fields, long nowNanos) {
        this.fields = fields;
        this.bytes = Arrays.copyOfRange(source, from, Math.max(to, from + 64));
        this.length = to - from;
        this.lines = 1;
        this.flags = flags;
        this.startOffset = startOffset;
        this.endOffset = endOffset;
        this.endTailHash = endTailHash;
        this.lastAppendNanos = nowNanos;
    }

    void append(byte[] source, int from, int to, long endOffset, long endTailHash, int flags, long nowNanos) {
        int needed = length + 1 + (to - from);
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
        }
        bytes[length++] = '\n';
        System.arraycopy(source, from, bytes, length, to - from);
        length += to - from;
        lines++;
        this.flags |= flags;
        this.endOffset = endOffset;
        this.endTailHash = endTailHash;
        this.lastAppendNanos = nowNanos;
    }

    /** Bytes the event would have with one more line of {@code lineLength} bytes. */
    int lengthWith(int lineLength) {
        return length + 1 + lineLength;
    }

    int lines() {
        return lines;
    }

    int flags() {
        return flags;
    }

    long startOffset() {
        return startOffset;
    }

    long endOffset() {
        return endOffset;
    }

    long endTailHash() {
        return endTailHash;
    }

    ContainerFields fields() {
        return fields;
    }

    long lastAppendNanos() {
        return lastAppendNanos;
    }

    byte[] toBytes() {
        return Arrays.copyOf(bytes, length);
    }
}
