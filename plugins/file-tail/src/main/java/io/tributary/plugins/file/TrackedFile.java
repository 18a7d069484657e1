package io.tributary.plugins.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One file being tailed, known by its identity (the stream) and its inode, wherever it is renamed.
 * Owned by the task thread.
 */
final class TrackedFile {
    /** Why the file is no longer found by the globs, while it is still open. */
    enum Gone { NO, RENAMED, DELETED }

    final FileKey key;
    String stream;
    /** The hash of its first fingerprint_bytes; null while it is shorter. */
    Long fingerprint;
    Path path;
    byte[] pathBytes;
    FileChannel channel;

    /** The next byte to scan: the start of a partial line, or past what a truncated line discarded. */
    long readOffset;
    /** The resume point of the last record handed over: never past an event being assembled. */
    long emittedOffset;
    /** The hash of the bytes before {@link #emittedOffset}, kept because a truncated file no longer has them. */
    long emittedTailHash = Hashing.hash(new byte[0], 0, 0);
    /** The offset of the last checkpoint handed over, or -1 when none was since it was found. */
    long lastCheckpointOffset = -1;
    /** The bytes right before {@link #readOffset}, to notice a file rewritten under us. */
    final byte[] tailBytes = new byte[FileCheckpoint.TAIL_CHECK_BYTES];
    /** The size at which nothing but a partial line was left; -1 when unknown. */
    long scannedSize = -1;
    long lastSize = -1;
    long lastChangeNanos;
    Gone gone = Gone.NO;

    /** True while the rest of a line longer than max_line_bytes is still coming. */
    boolean splitting;
    /** The kept head of a line being truncated, until its newline; null otherwise. */
    byte[] truncatedHead;
    long truncatedHeadOffset;
    PendingEvent pending;

    TrackedFile(FileKey key, String stream, Path path, FileChannel channel, long offset, long nowNanos) {
        this.key = key;
        this.stream = stream;
        this.channel = channel;
        this.readOffset = offset;
        this.emittedOffset = offset;
        this.lastChangeNanos = nowNanos;
        setPath(path);
    }

    void setPath(Path path) {
        this.path = path;
        this.pathBytes = path.toString().getBytes(StandardCharsets.UTF_8);
    }

    boolean isProvisional() {
        return FileCheckpoint.isProvisional(stream);
    }

    boolean isOpen() {
        return channel != null;
    }

    /** The file was closed by close_inactive and changed: {@code channel} reads it again. */
    void reopened(FileChannel channel) {
        this.channel = channel;
        scannedSize = -1;
    }

    void closeChannel() throws IOException {
        if (channel != null) {
            FileChannel closing = channel;
            channel = null;
            closing.close();
        }
    }

    int tailLength() {
        return (int) Math.min(readOffset, FileCheckpoint.TAIL_CHECK_BYTES);
    }

    /** Forgets what was read: the file is read again from 0. */
    void restart() {
        readOffset = 0;
        emittedOffset = 0;
        emittedTailHash = Hashing.hash(tailBytes, 0, 0);
        scannedSize = -1;
        splitting = false;
        truncatedHead = null;
        pending = null;
    }

    FileCheckpoint checkpoint(long offset, long tailHash) {
        return new FileCheckpoint(offset, tailHash, path.toString(), key);
    }

    /** Reads up to {@code length} bytes at {@code offset}; fewer at the end of the file. */
    static byte[] readAt(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                break;
            }
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }

    /** The hash of the bytes before {@code offset} stored in checkpoints, read from the file. */
    static long tailHashAt(FileChannel channel, long offset) throws IOException {
        int length = (int) Math.min(offset, FileCheckpoint.TAIL_CHECK_BYTES);
        byte[] bytes = readAt(channel, offset - length, length);
        return Hashing.hash(bytes, 0, bytes.length);
    }
}
