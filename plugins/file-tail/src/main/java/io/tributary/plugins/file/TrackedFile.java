package io.tributary.plugins.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One file being tailed, known by its identity (the stream) and its inode, wherever it is renamed:
 * where it was read to, what was handed over, and what it holds back (a partial line's piece, a
 * truncated line's head, a multiline event). Its state changes only through methods that say what
 * happened. Owned by the task thread.
 */
final class TrackedFile {
    /** Why the file is no longer found by the globs, while it is still open. */
    enum Gone { NO, RENAMED, DELETED }

    private final FileKey key;
    private String stream;
    /** The hash of its first fingerprint_bytes; null while it is shorter. */
    private Long fingerprint;
    private Path path;
    private byte[] pathBytes;
    private FileChannel channel;

    /** The next byte to scan: the start of a partial line, or past what a truncated line discarded. */
    private long readOffset;
    /** The resume point of the last record handed over: never past an event being assembled. */
    private long emittedOffset;
    /** The hash of the bytes before {@link #emittedOffset}, kept because a truncated file no longer has them. */
    private long emittedTailHash = Hashing.hash(new byte[0], 0, 0);
    /** The offset of the last checkpoint handed over, or -1 when none was since it was found. */
    private long lastCheckpointOffset = -1;
    /** The bytes right before {@link #readOffset}, to notice a file rewritten under us. */
    private final byte[] tailBytes = new byte[FileCheckpoint.TAIL_CHECK_BYTES];
    /** The size at which nothing but a partial line was left; -1 when unknown. */
    private long scannedSize = -1;
    private long lastSize = -1;
    private long lastChangeNanos;
    private Gone gone = Gone.NO;

    /** True while the rest of a line longer than max_line_bytes is still coming. */
    private boolean splitting;
    /** The kept head of a line being truncated, until its newline; null otherwise. */
    private byte[] truncatedHead;
    private long truncatedHeadOffset;
    private PendingEvent pending;
    private ContainerLogDecoder.Partial containerPartial;

    /**
     * A file found at {@code path}, read from {@code offset}: the bytes before it are read now, to
     * notice later that the file was rewritten.
     */
    TrackedFile(FileKey key, String stream, Long fingerprint, Path path, FileChannel channel, long offset,
                long nowNanos) throws IOException {
        this.key = key;
        this.stream = stream;
        this.fingerprint = fingerprint;
        this.channel = channel;
        this.readOffset = offset;
        this.emittedOffset = offset;
        this.lastChangeNanos = nowNanos;
        setPath(path);
        int tail = tailLength();
        byte[] before = readAt(channel, offset - tail, tail);
        System.arraycopy(before, 0, tailBytes, 0, before.length);
        emittedTailHash = Hashing.hash(before, 0, before.length);
    }

    FileKey key() {
        return key;
    }

    String stream() {
        return stream;
    }

    Long fingerprint() {
        return fingerprint;
    }

    Path path() {
        return path;
    }

    byte[] pathBytes() {
        return pathBytes;
    }

    FileChannel channel() {
        return channel;
    }

    long readOffset() {
        return readOffset;
    }

    long emittedOffset() {
        return emittedOffset;
    }

    long emittedTailHash() {
        return emittedTailHash;
    }

    long lastCheckpointOffset() {
        return lastCheckpointOffset;
    }

    long lastSize() {
        return lastSize;
    }

    long lastChangeNanos() {
        return lastChangeNanos;
    }

    Gone gone() {
        return gone;
    }

    boolean isProvisional() {
        return FileCheckpoint.isProvisional(stream);
    }

    boolean isOpen() {
        return channel != null;
    }

    /** The file was found under another path with the same inode. */
    void renamedTo(Path path) {
        setPath(path);
    }

    /** The file is found by the globs again, or is now known as renamed away or deleted. */
    void gone(Gone gone) {
        this.gone = gone;
    }

    /** The file takes another identity: its fingerprint stream, or a new one after a truncation. */
    void identifiedAs(String stream, Long fingerprint) {
        this.stream = stream;
        this.fingerprint = fingerprint;
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

    /**
     * Its size now, noting the time when it changed.
     */
    long size(long nowNanos) throws IOException {
        long size = channel.size();
        if (size != lastSize) {
            lastSize = size;
            lastChangeNanos = nowNanos;
        }
        return size;
    }

    /** True when nothing but a partial line is left to read. */
    boolean isCaughtUp() throws IOException {
        long size = channel.size();
        return size == readOffset || size == scannedSize;
    }

    /** True when {@code size} holds nothing new: what it holds was read, or is only a partial line. */
    boolean isReadUpTo(long size) {
        return size == readOffset || size == scannedSize;
    }

    /** Nothing but a partial line was left at {@code size}. */
    void caughtUpAt(long size) {
        scannedSize = size;
    }

    int tailLength() {
        return (int) Math.min(readOffset, FileCheckpoint.TAIL_CHECK_BYTES);
    }

    /** True when the {@code check} bytes of {@code bytes} are those before the offset read. */
    boolean hasTail(byte[] bytes, int check) {
        return Arrays.equals(bytes, 0, check, tailBytes, 0, check);
    }

    /** The hash of the bytes before the offset read, which the file may no longer have after a truncation. */
    long readTailHash() {
        return Hashing.hash(tailBytes, 0, tailLength());
    }

    /** Scanned up to {@code offset}; {@code bytes} holds the file's bytes before {@code end}, which is that offset. */
    void readTo(long offset, byte[] bytes, int end) {
        readOffset = offset;
        int tail = tailLength();
        System.arraycopy(bytes, end - tail, tailBytes, 0, tail);
    }

    /** Why the file must be read again from 0, or null: it is shorter than what was read, or those bytes changed. */
    String truncation() throws IOException {
        long size = channel.size();
        if (size < readOffset) {
            return "its size " + size + " is below the offset read, " + readOffset;
        }
        int tail = tailLength();
        byte[] before = readAt(channel, readOffset - tail, tail);
        return Arrays.equals(before, 0, before.length, tailBytes, 0, tail) ? null
                : "the bytes before offset " + readOffset + " changed";
    }

    /** A record up to {@code offset}, whose preceding bytes hash to {@code tailHash}, was handed over. */
    void emitted(long offset, long tailHash) {
        emittedOffset = offset;
        emittedTailHash = tailHash;
        lastCheckpointOffset = offset;
    }

    /** A checkpoint of {@code offset} was handed over, with no record. */
    void checkpointed(long offset) {
        lastCheckpointOffset = offset;
    }

    boolean isSplitting() {
        return splitting;
    }

    /** A line longer than max_line_bytes is being split, or the last piece of one was handed over. */
    void splitting(boolean splitting) {
        this.splitting = splitting;
    }

    byte[] truncatedHead() {
        return truncatedHead;
    }

    long truncatedHeadOffset() {
        return truncatedHeadOffset;
    }

    /** Keeps the head of a line being truncated, from {@code offset}, until its newline comes. */
    void holdTruncatedHead(byte[] head, long offset) {
        truncatedHead = head;
        truncatedHeadOffset = offset;
    }

    /** Takes the kept head of a line being truncated; null when there is none. */
    byte[] takeTruncatedHead() {
        byte[] head = truncatedHead;
        truncatedHead = null;
        return head;
    }

    /** True when it holds no line, piece or event back in memory. */
    boolean holdsNothing() {
        return pending == null && truncatedHead == null && !splitting && containerPartial == null;
    }

    /** The pieces of a container log line joined so far; null when none. */
    ContainerLogDecoder.Partial containerPartial() {
        return containerPartial;
    }

    void containerPartial(ContainerLogDecoder.Partial partial) {
        this.containerPartial = partial;
    }

    PendingEvent pending() {
        return pending;
    }

    void pending(PendingEvent pending) {
        this.pending = pending;
    }

    /** Takes the multiline event being assembled; null when there is none. */
    PendingEvent takePending() {
        PendingEvent event = pending;
        pending = null;
        return event;
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
        containerPartial = null;
    }

    FileCheckpoint checkpoint(long offset, long tailHash) {
        return new FileCheckpoint(offset, tailHash, path.toString(), key);
    }

    /** The checkpoint of what was handed over. */
    FileCheckpoint emittedCheckpoint() {
        return checkpoint(emittedOffset, emittedTailHash);
    }

    /** Reads the partial last line that is left, from {@link #readOffset} to the end, and reads past it. */
    byte[] readRest() throws IOException {
        long size = channel.size();
        if (size <= readOffset) {
            return new byte[0];
        }
        byte[] rest = readAt(channel, readOffset, (int) (size - readOffset));
        readOffset += rest.length;
        int tail = tailLength();
        byte[] before = readAt(channel, readOffset - tail, tail);
        System.arraycopy(before, 0, tailBytes, 0, before.length);
        return rest;
    }

    private void setPath(Path path) {
        this.path = path;
        this.pathBytes = path.toString().getBytes(StandardCharsets.UTF_8);
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
