package io.tributary.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * How long each step of {@code tributary run} took before the agent ran, for the "running" line: a
 * slow start is then explained by the agent's own log, step by step.
 *
 * <p>Steps may overlap (some run in parallel); each is reported with its own duration, and the total
 * is from the process's start, which includes bin/tributary and the JVM's own start-up, since the
 * script execs the JVM in the same process.
 */
final class StartupTimes {
    /** When the JVM entered main(), set once by {@link Main#main}. */
    private static volatile long mainEnteredMillis;

    private final LongSupplier clock;
    private final long processStartMillis;
    private final List<String> steps = new ArrayList<>();

    StartupTimes(LongSupplier clock, long processStartMillis) {
        this.clock = clock;
        this.processStartMillis = processStartMillis;
    }

    /** Times of this process, on the wall clock: the process's start is only known in wall time. */
    static StartupTimes ofThisProcess() {
        long now = System.currentTimeMillis();
        long processStart = ProcessHandle.current().info().startInstant().map(start -> start.toEpochMilli()).orElse(now);
        StartupTimes times = new StartupTimes(System::currentTimeMillis, processStart);
        if (mainEnteredMillis != 0) {
            times.steps.add("until main " + (mainEnteredMillis - processStart) + " ms");
            times.steps.add("command line and logging " + (now - mainEnteredMillis) + " ms");
        }
        return times;
    }

    static void mainEntered() {
        mainEnteredMillis = System.currentTimeMillis();
    }

    long now() {
        return clock.getAsLong();
    }

    /** Notes that {@code step} began at {@code startMillis} (from {@link #now()}) and ends now. */
    void finished(String step, long startMillis) {
        long millis = clock.getAsLong() - startMillis;
        synchronized (steps) {
            steps.add(step + " " + millis + " ms");
        }
    }

    /** E.g. "started in 812 ms (until main 120 ms, config and plugins 150 ms, producer 300 ms, ...)". */
    String summary() {
        synchronized (steps) {
            return "started in " + (clock.getAsLong() - processStartMillis) + " ms (" + String.join(", ", steps) + ")";
        }
    }
}
