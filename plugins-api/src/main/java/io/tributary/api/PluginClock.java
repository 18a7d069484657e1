package io.tributary.api;

/**
 * The time a plugin reads: wall time for ages and timestamps, a monotonic tick for intervals and
 * timeouts. A plugin that takes its time from {@link SourceContext#clock()} instead of
 * {@link System} can be tested by moving time on (the testkit's {@code FakeClock}) instead of waiting.
 * Safe to use from any thread.
 */
public interface PluginClock {

    /** The system's clocks: {@link System#currentTimeMillis()} and {@link System#nanoTime()}. */
    PluginClock SYSTEM = new PluginClock() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public String toString() {
            return "PluginClock.SYSTEM";
        }
    };

    /** Wall time in milliseconds since the epoch, comparable with file modification times; it may jump. */
    long millis();

    /** Monotonic time in nanoseconds from an arbitrary origin, for intervals only, as {@link System#nanoTime()}. */
    long nanoTime();
}
