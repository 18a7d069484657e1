package io.tributary.testkit;

import io.tributary.api.PluginClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link PluginClock} that stands still until the test moves it on with {@link #advance}: a test
 * of a timeout advances past it instead of sleeping through it. Both of its times move together.
 *
 * <pre>{@code
 * FakeClock clock = new FakeClock();
 * RecordingSourceContext context = new RecordingSourceContext("app-logs", dir, Map.of(), clock);
 * try (TaskDriver driver = TaskDriver.start(task, context)) {
 *     driver.advance(Duration.ofMinutes(5));   // between two polls
 * }
 * }</pre>
 */
public final class FakeClock implements PluginClock {
    /** An origin far from 0, so that code subtracting nanoTime values meets no special case. */
    private static final long NANO_ORIGIN = 1L << 40;

    private final AtomicLong elapsedNanos = new AtomicLong();
    private final long startMillis;

    /** A clock that starts at the real time now, so that file modification times compare as usual. */
    public FakeClock() {
        this(Instant.now());
    }

    public FakeClock(Instant start) {
        this.startMillis = start.toEpochMilli();
    }

    /**
     * Moves both times on by {@code duration}. From the test's thread, while the task does not run:
     * {@link TaskDriver#advance} does so between polls.
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves on, got " + duration);
        }
        elapsedNanos.addAndGet(duration.toNanos());
    }

    @Override
    public long millis() {
        return startMillis + elapsedNanos.get() / 1_000_000;
    }

    @Override
    public long nanoTime() {
        return NANO_ORIGIN + elapsedNanos.get();
    }

    @Override
    public String toString() {
        return "FakeClock at " + Instant.ofEpochMilli(millis());
    }
}
