package io.tributary.plugins.syslog;

import com.squareup.tape2.QueueFile;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The disk spool of a source's UDP, TCP and TLS messages, for while Kafka is slow or down: once the
 * queue is full, every such message goes here instead, in arrival order, until the spool is drained
 * again, so no message overtakes one spooled before it. Backed by Square's Tape {@link QueueFile}
 * (one file, {@code spool.tape} in {@code spool.dir}), whose every write is synchronous
 * ({@code rwd}): a batch of messages becomes one element, written and synced when it holds
 * {@link #BATCH_BYTES} or when {@link #flush} runs (every {@link #SYNC_INTERVAL_MILLIS}).
 *
 * <p>Elements are read in order and handed to the agent with a checkpoint of the stream
 * {@link #STREAM} whose position is the element's number; they are removed from the file only once
 * that checkpoint committed, so a crash sends again at most the elements in flight, never loses one.
 * Thread-safe: every method holds this object's lock.
 */
final class Spool implements Closeable {
    static final String STREAM = "spool";
    static final String POSITION_ELEMENT = "element";
    static final String FILE_NAME = "spool.tape";
    /** A batch is written once it holds this much, so a burst costs few synchronous writes. */
    static final int BATCH_BYTES = 64 * 1024;
    /** How often a batch that is not full is written and synced: what a crash of the agent can lose. */
    static final long SYNC_INTERVAL_MILLIS = 100;
    /** Elements handed over and not yet committed, at most: about 4 MiB. */
    private static final int MAX_IN_FLIGHT = 64;
    /** Tape's bytes per element besides its data: the element header. */
    private static final int ELEMENT_OVERHEAD = 4;

    private final QueueFile file;
    private final String topic;
    private final long maxBytes;
    private final ByteArrayOutputStream batchBytes = new ByteArrayOutputStream();
    private final DataOutputStream batch = new DataOutputStream(batchBytes);
    private int batchMessages;
    /** Bytes of the elements in the file, headers included; what {@code max_bytes} bounds with the batch. */
    private long bytes;
    private long messages;
    /** The sizes and message counts of the elements handed over and not committed, from the file's head. */
    private final ArrayDeque<long[]> inFlight = new ArrayDeque<>();
    /** Elements removed in this run; the head of the file is element {@code removed + 1}. */
    private long removed;
    /** True from the first message spooled until the spool is drained: meanwhile every message is spooled. */
    private boolean spooling;

    private Spool(QueueFile file, String topic, long maxBytes) throws IOException {
        this.file = file;
        this.topic = topic;
        this.maxBytes = maxBytes;
        for (byte[] element : file) {
            bytes += element.length + ELEMENT_OVERHEAD;
            messages += new DataInputStream(new ByteArrayInputStream(element)).readInt();
        }
        spooling = !file.isEmpty();
    }

    /** Opens the spool in {@code dir}, creating it; what an earlier run left there is sent first. */
    static Spool open(Path dir, String topic, long maxBytes) throws IOException {
        Files.createDirectories(dir);
        return new Spool(new QueueFile.Builder(dir.resolve(FILE_NAME).toFile()).build(), topic, maxBytes);
    }

    /** What becomes of a message offered to {@link #route}. */
    enum Route {
        /** It went to the queue; the spool is not in use. */
        QUEUE,
        /** It is in the spool (in its batch, synced within {@link #SYNC_INTERVAL_MILLIS}). */
        SPOOLED,
        /** The spool is full: a datagram is dropped; a TCP message is spooled all the same and its connection must pause. */
        FULL
    }

    /**
     * Puts a message in the queue while the spool is not in use and the queue takes it, else in the
     * spool; {@code forceWhenFull} (TCP, whose bytes were read already) spools it even when full.
     */
    synchronized Route route(SourceRecord record, RecordQueue queue, boolean forceWhenFull) {
        if (!spooling && queue.offer(record)) {
            return Route.QUEUE;
        }
        spooling = true;
        int size = recordBytes(record);
        boolean full = bytes + batchBytes.size() + size + ELEMENT_OVERHEAD > maxBytes;
        if (full && !forceWhenFull) {
            return Route.FULL;
        }
        append(record);
        return full ? Route.FULL : Route.SPOOLED;
    }

    private void append(SourceRecord record) {
        try {
            if (batchMessages == 0) {
                batch.writeInt(0);
            }
            writeBytes(record.key());
            writeBytes(record.value());
            batchMessages++;
            if (batchBytes.size() >= BATCH_BYTES) {
                flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the spool " + file.file(), e);
        }
    }

    private void writeBytes(byte[] value) throws IOException {
        if (value == null) {
            batch.writeInt(-1);
        } else {
            batch.writeInt(value.length);
            batch.write(value);
        }
    }

    private static int recordBytes(SourceRecord record) {
        return 8 + (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    }

    /** Writes the batch as one element of the file, synced; called every {@link #SYNC_INTERVAL_MILLIS}. */
    synchronized void flush() throws IOException {
        if (batchMessages == 0) {
            return;
        }
        byte[] element = batchBytes.toByteArray();
        element[0] = (byte) (batchMessages >>> 24);
        element[1] = (byte) (batchMessages >>> 16);
        element[2] = (byte) (batchMessages >>> 8);
        element[3] = (byte) batchMessages;
        file.add(element);
        bytes += element.length + ELEMENT_OVERHEAD;
        messages += batchMessages;
        batchBytes.reset();
        batchMessages = 0;
    }

    /**
     * The records of the next element not handed over yet (the batch is written first), the last one
     * carrying the checkpoint that removes the element once committed; empty when there is none or
     * {@link #MAX_IN_FLIGHT} wait for their commit. When the spool is drained, new messages go to the
     * queue again: after these, as the agent takes them in order.
     */
    synchronized List<SourceRecord> next() throws IOException {
        if (!spooling || inFlight.size() >= MAX_IN_FLIGHT) {
            return List.of();
        }
        flush();
        Iterator<byte[]> elements = file.iterator();
        for (int skip = 0; skip < inFlight.size() && elements.hasNext(); skip++) {
            elements.next();
        }
        if (!elements.hasNext()) {
            spooling = false;
            return List.of();
        }
        byte[] element = elements.next();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(element));
        int count = in.readInt();
        long number = removed + inFlight.size() + 1;
        List<SourceRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SourceRecord.Builder record = SourceRecord.builder(topic).key(readBytes(in)).value(readBytes(in));
            if (i == count - 1) {
                record.checkpoint(STREAM, Position.of(POSITION_ELEMENT, number));
            }
            records.add(record.build());
        }
        inFlight.addLast(new long[] {element.length + ELEMENT_OVERHEAD, count});
        if (!elements.hasNext() && batchMessages == 0) {
            spooling = false;
        }
        return records;
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : in.readNBytes(length);
    }

    /** Removes the elements up to {@code number}, which committed, from the file. */
    synchronized void committed(long number) throws IOException {
        int count = (int) Math.min(number - removed, inFlight.size());
        if (count <= 0) {
            return;
        }
        file.remove(count);
        for (int i = 0; i < count; i++) {
            long[] element = inFlight.removeFirst();
            bytes -= element[0];
            messages -= element[1];
        }
        removed += count;
    }

    /** True while paused TCP connections must stay paused: more than half of {@code max_bytes} is used. */
    synchronized boolean isAboveHalf() {
        return bytes + batchBytes.size() > maxBytes / 2;
    }

    /** True when {@link #next} may return records: a poll then does not wait on the queue. */
    synchronized boolean hasReadable() {
        return spooling && inFlight.size() < MAX_IN_FLIGHT;
    }

    /** Bytes in the spool, its batch included. */
    synchronized long bytes() {
        return bytes + batchBytes.size();
    }

    /** Messages in the spool, its batch included, those handed over and not committed too. */
    synchronized long messages() {
        return messages + batchMessages;
    }

    Path path() {
        return file.file().toPath();
    }

    /** Writes the batch and closes the file: nothing spooled is lost on a graceful stop. */
    @Override
    public synchronized void close() throws IOException {
        try {
            flush();
        } finally {
            file.close();
        }
    }
}
