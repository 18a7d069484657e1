package io.tributary.benchmarks;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A process's memory as Linux accounts it, from {@code /proc/PID/status}. */
record ResidentMemory(long rssKiB, long peakRssKiB) {

    /** VmRSS (resident now) and VmHWM (the most ever resident) of process {@code pid}. */
    static ResidentMemory of(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        return new ResidentMemory(kibibytes(status, "VmRSS"), kibibytes(status, "VmHWM"));
    }

    /**
     * The highest VmHWM of process {@code pid} seen every 100 ms until it exits or the watch is
     * closed: the peak of a process that exits by itself, when it can no longer be read.
     */
    static Watch watch(long pid) {
        return new Watch(pid);
    }

    /** A daemon thread reading a process's VmHWM until the process exits or this is closed. */
    static final class Watch implements AutoCloseable {
        private static final Duration INTERVAL = Duration.ofMillis(100);

        private final AtomicLong peakKiB = new AtomicLong();
        private final Thread thread;

        private Watch(long pid) {
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        peakKiB.accumulateAndGet(of(pid).peakRssKiB(), Math::max);
                    } catch (UncheckedIOException | IllegalStateException e) {
                        // It exited: its /proc entry is gone, or holds no memory figures while it is a zombie.
                        return;
                    }
                    try {
                        Thread.sleep(INTERVAL.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-watch-" + pid);
            thread.setDaemon(true);
            thread.start();
        }

        /** The highest VmHWM seen so far, in KiB; 0 when none was read. */
        long peakKiB() {
            return peakKiB.get();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    /** A "VmRSS:   123456 kB" field in KiB. */
    static long kibibytes(Path status, String field) {
        String value = Machine.field(status, field);
        if (!value.endsWith(" kB")) {
            throw new IllegalStateException(status + " has no " + field + " in kB: \"" + value + "\"");
        }
        return Long.parseLong(value.substring(0, value.length() - 3).trim());
    }
}
