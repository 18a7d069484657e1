package io.tributary.api;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;

/** What the agent offers a running {@link SourceTask}. Safe to use from any thread. */
public interface SourceContext {

    /** The source's name: its key under {@code sources:} in the YAML file. */
    String sourceName();

    /** The id of this agent ({@code agent.id}). */
    String agentId();

    /**
     * The checkpoints committed for this source when the task started: stream → position. Streams
     * the source never wrote, or that it forgot, are absent.
     */
    Map<String, Position> committedPositions();

    /** A folder of this source's own under {@code agent.data_dir}, created if missing. */
    Path dataDir();

    /** Metrics of this source, tagged with its name and type. */
    PluginMetrics metrics();

    /** A logger named after the source. */
    Logger logger();

    /** Reports the source healthy again after {@link #unhealthy}; {@code /health} follows. */
    void healthy();

    /**
     * Reports the source unhealthy (a database down, a file unreadable) while it keeps trying;
     * {@code /health} answers 503 naming the source and this reason until {@link #healthy}, or until
     * the task ends: a task started after a failure begins healthy.
     */
    void unhealthy(String reason);

    /**
     * The clock the source reads its time from: intervals, timeouts and ages. The agent gives the
     * system's; tests give one they move on.
     */
    default PluginClock clock() {
        return PluginClock.SYSTEM;
    }
}
