package com.example.tributary;

import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One running {@code counter} source: record {@code n} has key {@code n} and the value
 * {@code message} with {@code {n}} replaced by {@code n}. Its checkpoint is the next number, so a
 * restarted agent goes on where the last committed transaction left it, never repeating a number.
 */
final class CounterSource implements SourceTask {
    /** The one stream this source reads; a file source would have one per file. */
    static final String STREAM = "counter";

    /** The longest poll() blocks: the agent wants control back about once a second. */
    private static final long MAX_POLL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** With no interval, records come in batches of this many: fewer calls, same result. */
    private static final int MAX_BATCH = 500;

    private final String topic;
    private final long count;
    private final String message;
    private final long intervalNanos;

    // stop() runs on another thread: a latch both signals it and wakes a waiting poll().
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    // Touched only on the task thread (start, poll, close), so no synchronisation is needed.
    private long next;
    private long nextDueNanos;

    CounterSource(String topic, long count, String message, Duration interval) {
        this.topic = topic;
        this.count = count;
        this.message = message;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void start(SourceContext context) {
        // The checkpoint committed with the last record of an earlier run, if there was one.
        Position committed = context.committedPositions().get(STREAM);
        next = committed == null ? 0 : committed.getLong("next");
        nextDueNanos = System.nanoTime();
        context.logger().info("counter starts at {} of {}", next, count);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        // After stop(), hand over what was already accepted (nothing, here) and read nothing new.
        if (stopRequested.getCount() == 0) {
            return List.of();
        }
        long waitNanos = next >= count ? MAX_POLL_WAIT_NANOS : nextDueNanos - System.nanoTime();
        if (waitNanos > 0) {
            // Block while there is nothing to do, but return regularly and at once on stop().
            stopRequested.await(Math.min(waitNanos, MAX_POLL_WAIT_NANOS), TimeUnit.NANOSECONDS);
            return List.of();
        }
        int batch = intervalNanos == 0 ? MAX_BATCH : 1;
        List<SourceRecord> records = new ArrayList<>(batch);
        while (records.size() < batch && next < count) {
            long n = next++;
            records.add(SourceRecord.builder(topic)
                    .key(Long.toString(n).getBytes(StandardCharsets.UTF_8))
                    .value(message.replace("{n}", Long.toString(n)).getBytes(StandardCharsets.UTF_8))
                    // Once this record is committed, the stream stands after it.
                    .checkpoint(STREAM, Position.of("next", next))
                    .build());
        }
        nextDueNanos = System.nanoTime() + intervalNanos;
        return records;
    }

    @Override
    public void stop() {
        stopRequested.countDown();
    }
}
