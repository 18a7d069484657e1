package io.tributary.plugins.syslog;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs bad input at WARN at most once per interval for each kind of problem, and the rest at DEBUG,
 * so a sender spraying garbage cannot flood the log; the metrics count every occurrence.
 */
final class ProblemLog {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger logger;
    private final ConcurrentHashMap<String, Occurrences> byKind = new ConcurrentHashMap<>();

    ProblemLog(Logger logger) {
        this.logger = logger;
    }

    void warn(String kind, String message) {
        Occurrences occurrences = byKind.computeIfAbsent(kind, ignored -> new Occurrences());
        long now = System.nanoTime();
        long last = occurrences.lastWarned.get();
        if ((last == 0 || now - last >= INTERVAL_NANOS) && occurrences.lastWarned.compareAndSet(last, now)) {
            long suppressed = occurrences.suppressed.getAndSet(0);
            logger.warn(suppressed == 0 ? message
                    : message + " (and " + suppressed + " more " + kind + " problems since the last report)");
        } else {
            occurrences.suppressed.incrementAndGet();
            logger.debug(message);
        }
    }

    private static final class Occurrences {
        final AtomicLong lastWarned = new AtomicLong();
        final AtomicLong suppressed = new AtomicLong();
    }
}
