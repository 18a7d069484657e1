package io.tributary.agent.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tributary.agent.config.OnError;
import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.api.Position;
import io.tributary.api.SourceTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent knows of one configured source while it runs: its committed checkpoints, what it
 * has in flight, its health and its metrics. Shared by the source's runner thread and the commit
 * thread.
 */
public final class SourceHandle {
    private static final Logger log = LoggerFactory.getLogger(SourceHandle.class);

    private final String name;
    private final String type;
    private final OnError onError;
    private final String deadLetterTopic;
    private final Map<String, Position> committed = new ConcurrentHashMap<>();
    private final AtomicLong inFlightRecords = new AtomicLong();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final Counter recordsCommitted;
    private final Counter bytesCommitted;
    private final Counter deadLettered;
    private final Counter skipped;
    private final Counter taskFailures;
    private final Timer commitLag;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private volatile SourceTask task;
    private volatile ClassLoader loader;
    private volatile String taskProblem;
    private volatile String runnerProblem;
    private volatile boolean failed;
    private volatile String pausedBecause;
    private final Object pauseLock = new Object();
    private volatile long lastCommitMillis;

    public SourceHandle(String name, String type, OnError onError, String deadLetterTopic,
                        Map<String, Position> committedAtStart, MeterRegistry registry) {
        this.name = name;
        this.type = type;
        this.onError = onError;
        this.deadLetterTopic = deadLetterTopic;
        this.committed.putAll(committedAtStart);
        this.registry = registry;
        Tags tags = Tags.of("source", name, "source_type", type);
        recordsCommitted = keep(Counter.builder("tributary.source.records").description("Records committed to Kafka")
                .tags(tags).register(registry));
        bytesCommitted = keep(Counter.builder("tributary.source.bytes").description("Bytes of key, value and headers committed to Kafka")
                .baseUnit("bytes").tags(tags).register(registry));
        deadLettered = keep(Counter.builder("tributary.source.errors").description("Records that could not be written, by what on_error did")
                .tags(tags).tag("action", "dead_letter").register(registry));
        skipped = keep(Counter.builder("tributary.source.errors").description("Records that could not be written, by what on_error did")
                .tags(tags).tag("action", "skip").register(registry));
        taskFailures = keep(Counter.builder("tributary.source.task.failures").description("Times the source's task threw and was restarted")
                .tags(tags).register(registry));
        keep(Gauge.builder("tributary.source.in_flight.records", inFlightRecords, AtomicLong::get)
                .description("Records accepted from the source and not yet committed: what a crash would lose for a source that cannot replay")
                .tags(tags).register(registry));
        keep(Gauge.builder("tributary.source.in_flight.bytes", inFlightBytes, AtomicLong::get)
                .description("Bytes accepted from the source and not yet committed").baseUnit("bytes").tags(tags).register(registry));
        keep(Gauge.builder("tributary.source.commit.age", this, SourceHandle::secondsSinceLastCommit)
                .description("Seconds since records of this source last committed, 0 while it has nothing in flight")
                .baseUnit("seconds").tags(tags).register(registry));
        keep(Gauge.builder("tributary.source.up", this, h -> h.problem() == null ? 1 : 0)
                .description("1 while the source is healthy, 0 while it is not (paused, failing, stopped by on_error: fail); /health says why")
                .tags(tags).register(registry));
        keep(Gauge.builder("tributary.source.paused", this, h -> h.pausedBecause == null ? 0 : 1)
                .description("1 while the source is paused because its records cannot be written (topic missing or not authorised), else 0")
                .tags(tags).register(registry));
        commitLag = keep(Timer.builder("tributary.source.commit.lag").description("Time from a record's acceptance to its commit")
                .tags(tags).publishPercentiles(0.5, 0.99).register(registry));
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    /** Removes the source's metrics, once it was removed from the running config. */
    void close() {
        meters.forEach(registry::remove);
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    OnError onError() {
        return onError;
    }

    String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** The checkpoints committed so far: where a restarted task resumes. */
    public Map<String, Position> committedPositions() {
        return Map.copyOf(committed);
    }

    long inFlightRecords() {
        return inFlightRecords.get();
    }

    void attach(SourceTask task, ClassLoader loader) {
        this.task = task;
        this.loader = loader;
    }

    void accepted(Batch batch) {
        inFlightRecords.addAndGet(batch.records().size());
        inFlightBytes.addAndGet(batch.bytes());
    }

    /**
     * Called on the commit thread after the transaction holding these records committed: records
     * the positions and tells the task.
     */
    void committed(Map<String, Position> positions, Iterable<String> forgotten, int records, long bytes,
                   int written, long writtenBytes, long lagNanos) {
        committed.putAll(positions);
        forgotten.forEach(committed::remove);
        inFlightRecords.addAndGet(-records);
        inFlightBytes.addAndGet(-bytes);
        recordsCommitted.increment(written);
        bytesCommitted.increment(writtenBytes);
        lastCommitMillis = System.currentTimeMillis();
        commitLag.record(Duration.ofNanos(lagNanos));
        SourceTask current = task;
        if (current != null && !positions.isEmpty()) {
            try {
                LoaderSwap.run(loader, () -> current.committed(positions));
            } catch (RuntimeException | LinkageError e) {
                log.warn("Source {}: committed() threw; the checkpoints are committed all the same", name, e);
            }
        }
    }

    /** Records that were dropped before commit (their source failed on them): no longer in flight. */
    void discarded(int records, long bytes) {
        inFlightRecords.addAndGet(-records);
        inFlightBytes.addAndGet(-bytes);
    }

    void countDeadLettered() {
        deadLettered.increment();
    }

    void countSkipped() {
        skipped.increment();
    }

    void countTaskFailure() {
        taskFailures.increment();
    }

    private double secondsSinceLastCommit() {
        if (inFlightRecords.get() == 0) {
            return 0;
        }
        long last = lastCommitMillis;
        return last == 0 ? 0 : (System.currentTimeMillis() - last) / 1000.0;
    }

    void taskProblem(String reason) {
        taskProblem = reason;
    }

    void runnerProblem(String reason) {
        runnerProblem = reason;
    }

    /** The source hit a record it cannot write and on_error is fail: its runner stops for good. */
    void failedOnRecord(String reason) {
        runnerProblem = reason;
        failed = true;
    }

    boolean isFailed() {
        return failed;
    }

    /**
     * Kafka cannot take the source's records now for a reason of its own (its topic is missing or
     * not authorised): the commit thread holds them and the source's thread waits in
     * {@link #awaitUnpaused} before handing over more.
     */
    void pause(String reason) {
        pausedBecause = reason;
    }

    void resume() {
        synchronized (pauseLock) {
            pausedBecause = null;
            pauseLock.notifyAll();
        }
    }

    boolean isPaused() {
        return pausedBecause != null;
    }

    /** Waits while the source is paused, or until {@code stopping} says to go on. */
    void awaitUnpaused(java.util.function.BooleanSupplier stopping) throws InterruptedException {
        synchronized (pauseLock) {
            while (pausedBecause != null && !stopping.getAsBoolean()) {
                // Woken by resume(); the timeout only notices a stop request.
                pauseLock.wait(100);
            }
        }
    }

    /** Null when healthy; otherwise why not. */
    public String problem() {
        String runner = runnerProblem;
        if (runner != null) {
            return runner;
        }
        String paused = pausedBecause;
        return paused != null ? "paused: " + paused : taskProblem;
    }
}
