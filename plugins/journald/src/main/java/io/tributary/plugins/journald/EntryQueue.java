package io.tributary.plugins.journald;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The entries read from journalctl and not yet handed to the agent, bounded in entries and bytes.
 * When it is full the reading thread waits in {@link #put}, so it stops reading journalctl's pipe
 * and journalctl blocks writing it: that is the source's backpressure.
 */
final class EntryQueue {
    private final int maxEntries;
    private final long maxBytes;
    private final ArrayDeque<JournalEntry> entries = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private long bytes;
    private boolean closed;

    EntryQueue(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /**
     * Adds {@code entry}, waiting while the queue is full; an entry larger than the byte bound is
     * taken alone. Returns false, without adding, once the queue is closed.
     */
    boolean put(JournalEntry entry) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && !entries.isEmpty()
                    && (entries.size() >= maxEntries || bytes + entry.sizeInBytes() > maxBytes)) {
                notFull.await();
            }
            if (closed) {
                return false;
            }
            entries.add(entry);
            bytes += entry.sizeInBytes();
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes up to {@code max} entries, waiting up to {@code timeoutMillis} for the first; empty when none came or closed. */
    List<JournalEntry> take(int max, long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (entries.isEmpty() && !closed && nanos > 0) {
                nanos = notEmpty.awaitNanos(nanos);
            }
            if (closed) {
                return List.of();
            }
            List<JournalEntry> taken = new ArrayList<>(Math.min(max, entries.size()));
            while (taken.size() < max && !entries.isEmpty()) {
                JournalEntry entry = entries.poll();
                bytes -= entry.sizeInBytes();
                taken.add(entry);
            }
            notFull.signal();
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter for good: {@link #put} refuses and {@link #take} returns nothing from now on. */
    void close() {
        lock.lock();
        try {
            closed = true;
            entries.clear();
            bytes = 0;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
