package io.tributary.plugins.syslog;

import io.tributary.api.SourceRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The records received and not yet handed to the agent, bounded by count and by bytes. UDP offers
 * and is refused when full; TCP always adds (its connection has already read the bytes) and is told
 * to stop reading, so the queue exceeds its bound by at most what the paused connections had read.
 */
final class RecordQueue {
    private final int maxMessages;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<SourceRecord> records = new ArrayDeque<>();
    private volatile int size;
    private volatile long bytes;
    private boolean wakeUp;

    RecordQueue(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Adds the record unless the queue is full; an empty queue takes any record, however large. */
    boolean offer(SourceRecord record) {
        lock.lock();
        try {
            if (!records.isEmpty() && (size + 1 > maxMessages || bytes + record.sizeInBytes() > maxBytes)) {
                return false;
            }
            append(record);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Adds the record; true when the queue is now full and the sender should be paused. */
    boolean add(SourceRecord record) {
        lock.lock();
        try {
            append(record);
            return size >= maxMessages || bytes >= maxBytes;
        } finally {
            lock.unlock();
        }
    }

    private void append(SourceRecord record) {
        records.addLast(record);
        size++;
        bytes += record.sizeInBytes();
        notEmpty.signal();
    }

    /**
     * Takes up to {@code max} records, waiting up to {@code timeout} for the first; returns early,
     * maybe empty, after {@link #wakeUp}.
     */
    List<SourceRecord> take(int max, long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            long nanos = unit.toNanos(timeout);
            while (records.isEmpty() && !wakeUp && nanos > 0) {
                nanos = notEmpty.awaitNanos(nanos);
            }
            wakeUp = false;
            List<SourceRecord> taken = new ArrayList<>(Math.min(max, records.size()));
            while (taken.size() < max && !records.isEmpty()) {
                SourceRecord record = records.removeFirst();
                size--;
                bytes -= record.sizeInBytes();
                taken.add(record);
            }
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /** Makes a waiting {@link #take} return now. */
    void wakeUp() {
        lock.lock();
        try {
            wakeUp = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** True when paused senders may read again: the queue is at most half full by count and by bytes. */
    boolean isBelowLowWater() {
        return size <= maxMessages / 2 && bytes <= maxBytes / 2;
    }

    /** True while a paused sender may add without the queue passing its bound. */
    boolean hasRoom() {
        return size < maxMessages && bytes < maxBytes;
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }
}
