package io.tributary.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.util.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Keeps a failure that repeats from flooding the log: the first warning or error of a kind is logged,
 * the same kind again within {@code interval} (60 seconds unless configured) is dropped and counted,
 * and the first one after the interval is logged after a line saying how many were dropped.
 *
 * <p>Two events are of the same kind when they come from the same logger at the same level with the
 * same message pattern, whatever its arguments: "Cannot read checkpoints yet ({}); retrying" is one
 * kind however the cause reads. Drops not followed by another event of their kind are not reported.
 * Configured in logback.xml:
 * <pre>{@code <turboFilter class="io.tributary.agent.logging.RepeatedErrorFilter">
 *   <interval>60 seconds</interval>
 * </turboFilter>}</pre>
 */
public final class RepeatedErrorFilter extends TurboFilter {
    /** Marks the "dropped" lines, which this filter lets through unlimited. */
    static final Marker REPEATS = MarkerFactory.getMarker("TRIBUTARY_REPEATS");
    /** More kinds than this at once means something else is wrong: the filter then starts afresh. */
    static final int MAX_KINDS = 1_000;

    private record Kind(String logger, Level level, String pattern) {
    }

    private static final class Window {
        final long startNanos;
        int dropped;

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    private final LongSupplier nanoTime;
    private final Map<Kind, Window> windows = new ConcurrentHashMap<>();
    private long intervalNanos = Duration.buildBySeconds(60).getMilliseconds() * 1_000_000L;

    public RepeatedErrorFilter() {
        this(System::nanoTime);
    }

    RepeatedErrorFilter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** How long repeats of a kind are dropped after one was logged, e.g. {@code 60 seconds}. */
    public void setInterval(Duration interval) {
        intervalNanos = interval.getMilliseconds() * 1_000_000L;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || !level.isGreaterOrEqual(Level.WARN) || format == null || marker == REPEATS) {
            return FilterReply.NEUTRAL;
        }
        if (windows.size() > MAX_KINDS) {
            windows.clear();
        }
        long now = nanoTime.getAsLong();
        Window[] ended = {null};
        boolean[] opened = {false};
        windows.compute(new Kind(logger.getName(), level, format), (kind, window) -> {
            if (window == null || now - window.startNanos >= intervalNanos) {
                ended[0] = window;
                opened[0] = true;
                return new Window(now);
            }
            window.dropped++;
            return window;
        });
        if (!opened[0]) {
            return FilterReply.DENY;
        }
        if (ended[0] != null && ended[0].dropped > 0) {
            String message = "Dropped {} repeats of the next message in the last {} s";
            long seconds = (now - ended[0].startNanos) / 1_000_000_000L;
            if (level == Level.ERROR) {
                logger.error(REPEATS, message, ended[0].dropped, seconds);
            } else {
                logger.warn(REPEATS, message, ended[0].dropped, seconds);
            }
        }
        return FilterReply.NEUTRAL;
    }
}
