package io.tributary.agent.pipeline;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bound on memory: bytes accepted from sources and not yet committed, whether still queued for
 * the commit thread or already in its open transaction. A source thread that would pass the bound
 * blocks in {@link #put} until commits release enough, which is how a slow or absent Kafka pauses
 * every source. One batch larger than the whole bound is still let in when nothing else is in
 * flight, so a single big record cannot wedge its source.
 */
final class InFlightBuffer {
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition spaceFreed = lock.newCondition();
    private final Condition batchQueued = lock.newCondition();
    private final ArrayDeque<Batch> queue = new ArrayDeque<>();
    private long inFlightBytes;
    private boolean wakeUpAsked;

    InFlightBuffer(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Queues a batch for the commit thread, waiting while the bound is reached. */
    void put(Batch batch) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (inFlightBytes > 0 && inFlightBytes + batch.bytes() > maxBytes) {
                spaceFreed.await();
            }
            inFlightBytes += batch.bytes();
            queue.addLast(batch);
            batchQueued.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The next queued batch, waiting up to {@code timeoutNanos}; null when none came or {@link #wakeUp} was called. */
    Batch take(long timeoutNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long remaining = timeoutNanos;
            while (queue.isEmpty()) {
                if (remaining <= 0 || wakeUpAsked) {
                    wakeUpAsked = false;
                    return null;
                }
                remaining = batchQueued.awaitNanos(remaining);
            }
            return queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the commit thread's wait in {@link #take} at once, or its next one if it is not waiting:
     * something else it waits for, such as a topic check, is done.
     */
    void wakeUp() {
        lock.lock();
        try {
            wakeUpAsked = true;
            batchQueued.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the bytes of batches whose transaction committed (or that were dropped). */
    void release(long bytes) {
        lock.lock();
        try {
            inFlightBytes -= bytes;
            spaceFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isQueueEmpty() {
        lock.lock();
        try {
            return queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    long inFlightBytes() {
        lock.lock();
        try {
            return inFlightBytes;
        } finally {
            lock.unlock();
        }
    }

    long maxBytes() {
        return maxBytes;
    }
}
