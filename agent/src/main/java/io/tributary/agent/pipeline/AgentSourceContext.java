package io.tributary.agent.pipeline;

import io.tributary.agent.metrics.MicrometerPluginMetrics;
import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link SourceContext} a task gets: a snapshot of its committed checkpoints at start. */
final class AgentSourceContext implements SourceContext, AutoCloseable {
    private final SourceHandle handle;
    private final String agentId;
    private final Map<String, Position> committed;
    private final Path dataDir;
    private final MicrometerPluginMetrics metrics;
    private final Logger logger;

    AgentSourceContext(SourceHandle handle, String agentId, Path dataDir, MicrometerPluginMetrics metrics) {
        this.handle = handle;
        this.agentId = agentId;
        this.committed = handle.committedPositions();
        this.dataDir = dataDir;
        this.metrics = metrics;
        this.logger = LoggerFactory.getLogger("io.tributary.source." + handle.name());
    }

    @Override
    public String sourceName() {
        return handle.name();
    }

    @Override
    public String agentId() {
        return agentId;
    }

    @Override
    public Map<String, Position> committedPositions() {
        return committed;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public MicrometerPluginMetrics metrics() {
        return metrics;
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public void healthy() {
        handle.taskProblem(null);
    }

    @Override
    public void unhealthy(String reason) {
        handle.taskProblem(reason == null ? "unhealthy" : reason);
    }

    /** Removes the task's metrics: the next task of the source registers its own. */
    @Override
    public void close() {
        metrics.close();
    }
}
