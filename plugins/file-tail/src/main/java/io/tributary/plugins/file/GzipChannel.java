package io.tributary.plugins.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The decompressed bytes of a gzip file ({@code decompress: gzip}), read-only, as a channel the rest
 * of the source reads like any file's: offsets, sizes, fingerprints and checkpoints are in
 * decompressed bytes. A rotated {@code .gz} does not change, so its size is counted once, by
 * decompressing it, when it is opened.
 *
 * <p>Reads go forward through one decompressing stream; the last {@value #WINDOW} bytes are kept, so
 * that reading the bytes before an offset (tail hashes) does not start the stream again. Reading
 * further back does.
 */
final class GzipChannel extends FileChannel {
    private static final int WINDOW = 64 * 1024;

    private final Path path;
    private final long size;
    private final byte[] window = new byte[WINDOW];
    private InputStream stream;
    /** The offset of the next byte the stream gives. */
    private long streamOffset;
    private long position;

    private GzipChannel(Path path, long size) throws IOException {
        this.path = path;
        this.size = size;
        restart();
    }

    /** Opens the gzip file at {@code path}, decompressing it once to learn its size. */
    static GzipChannel open(Path path) throws IOException {
        long size = 0;
        byte[] skip = new byte[64 * 1024];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(path), 64 * 1024)) {
            for (int read; (read = in.read(skip)) >= 0; ) {
                size += read;
            }
        }
        return new GzipChannel(path, size);
    }

    /** True when {@code path} names a gzip file, which decompress: gzip reads decompressed. */
    static boolean isGzip(Path path) {
        return path.getFileName() != null && path.getFileName().toString().endsWith(".gz");
    }

    @Override
    public int read(ByteBuffer destination, long offset) throws IOException {
        if (offset >= size) {
            return -1;
        }
        if (offset < streamOffset - windowLength()) {
            restart();
        }
        while (streamOffset < offset) {
            if (advance((int) Math.min(WINDOW, offset - streamOffset)) < 0) {
                return -1;
            }
        }
        int wanted = (int) Math.min(destination.remaining(), size - offset);
        int copied = 0;
        if (offset < streamOffset) {
            int fromWindow = (int) Math.min(wanted, streamOffset - offset);
            int start = (int) ((offset) % WINDOW);
            for (int i = 0; i < fromWindow; i++) {
                destination.put(window[(start + i) % WINDOW]);
            }
            copied = fromWindow;
        }
        while (copied < wanted) {
            long before = streamOffset;
            if (advance(wanted - copied) < 0) {
                break;
            }
            int got = (int) (streamOffset - before);
            for (int i = 0; i < got; i++) {
                destination.put(window[(int) ((before + i) % WINDOW)]);
            }
            copied += got;
        }
        return copied == 0 ? -1 : copied;
    }

    /** Reads up to {@code count} more decompressed bytes into the window; -1 at the end. */
    private int advance(int count) throws IOException {
        byte[] chunk = new byte[Math.min(count, WINDOW)];
        int read = stream.read(chunk, 0, chunk.length);
        if (read < 0) {
            return -1;
        }
        for (int i = 0; i < read; i++) {
            window[(int) ((streamOffset + i) % WINDOW)] = chunk[i];
        }
        streamOffset += read;
        return read;
    }

    private long windowLength() {
        return Math.min(streamOffset, WINDOW);
    }

    private void restart() throws IOException {
        if (stream != null) {
            stream.close();
        }
        stream = new GZIPInputStream(Files.newInputStream(path), 64 * 1024);
        streamOffset = 0;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        int read = read(destination, position);
        if (read > 0) {
            position += read;
        }
        return read;
    }

    @Override
    public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int read = read(destinations[i]);
            if (read < 0) {
                return total == 0 ? -1 : total;
            }
            total += read;
        }
        return total;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public FileChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int write(ByteBuffer source) {
        throw new NonWritableChannelException();
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) {
        throw new NonWritableChannelException();
    }

    @Override
    public int write(ByteBuffer source, long offset) {
        throw new NonWritableChannelException();
    }

    @Override
    public FileChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public void force(boolean metaData) {
    }

    @Override
    public long transferTo(long offset, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException("a decompressed gzip file is read with read()");
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long offset, long count) {
        throw new NonWritableChannelException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long offset, long length) {
        throw new UnsupportedOperationException("a decompressed gzip file cannot be mapped");
    }

    @Override
    public FileLock lock(long offset, long length, boolean shared) {
        throw new UnsupportedOperationException("a decompressed gzip file cannot be locked");
    }

    @Override
    public FileLock tryLock(long offset, long length, boolean shared) {
        throw new UnsupportedOperationException("a decompressed gzip file cannot be locked");
    }

    @Override
    protected void implCloseChannel() throws IOException {
        stream.close();
    }
}
