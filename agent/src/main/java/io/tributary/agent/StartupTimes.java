package io.tributary.agent;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
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
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    /** When the JVM entered main(), set once by {@link Main#main}. */
    private static volatile long mainEnteredMillis;

    private final LongSupplier clock;
    private final long processStartMillis;
    private final List<String> steps = new ArrayList<>();

    StartupTimes(LongSupplier clock, long processStartMillis) {
        this.clock = clock;
        this.processStartMillis = processStartMillis;
    }

    /** Times of this process, on the wall clock, counted from the process's start. */
    static StartupTimes ofThisProcess() {
        long now = System.currentTimeMillis();
        long processStart = now - processAgeMillis().orElseGet(() -> ProcessHandle.current().info().startInstant()
                .map(start -> now - start.toEpochMilli()).orElse(0L));
        StartupTimes times = new StartupTimes(System::currentTimeMillis, processStart);
        if (mainEnteredMillis != 0) {
            times.steps.add("until main " + (mainEnteredMillis - processStart) + " ms");
            times.steps.add("command line and logging " + (now - mainEnteredMillis) + " ms");
        }
        return times;
    }

    /*
     * ProcessHandle's start instant is the boot time, which Linux gives in whole seconds, plus the
     * process's start since boot: up to a second off (seen: 450 ms too early). /proc/uptime and the
     * start tick in /proc/self/stat both count since boot, so their difference is right to a tick.
     */
    private static OptionalLong processAgeMillis() {
        try {
            return processAgeMillis(Files.readString(Path.of("/proc/uptime")), Files.readString(Path.of("/proc/self/stat")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The process's age from {@code /proc/uptime} ("seconds since boot" first) and its
     * {@code /proc/<pid>/stat} (field 22, the start in clock ticks since boot; Linux's USER_HZ, 100
     * a second, on every architecture); empty when either is not in that form.
     */
    static OptionalLong processAgeMillis(String uptime, String stat) {
        int commEnd = stat.lastIndexOf(')');
        String[] uptimeFields = uptime.trim().split("\\s+");
        if (commEnd < 0 || uptimeFields.length == 0) {
            return OptionalLong.empty();
        }
        // The fields after the command's name start at field 3; it may hold spaces and parentheses itself.
        String[] fields = stat.substring(commEnd + 1).trim().split("\\s+");
        if (fields.length < 20) {
            return OptionalLong.empty();
        }
        try {
            long uptimeMillis = new BigDecimal(uptimeFields[0]).movePointRight(3).longValue();
            long startMillis = Long.parseLong(fields[22 - 3]) * 1000 / CLOCK_TICKS_PER_SECOND;
            return uptimeMillis >= startMillis ? OptionalLong.of(uptimeMillis - startMillis) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
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
