package io.tributary.testkit;

import io.tributary.api.PluginClock;
import io.tributary.api.PluginMetrics;
import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SourceContext} for unit tests of a source task: it hands the task fixed committed
 * positions and a data folder, and records what the task reports, its health and its metrics, for
 * the test to assert.
 *
 * <pre>{@code
 * RecordingSourceContext context = new RecordingSourceContext("app-logs", tempDir, Map.of());
 * try (TaskDriver driver = TaskDriver.start(task, context)) {
 *     driver.pollUntil(3, Duration.ofSeconds(5));
 * }
 * assertThat(context.counter("file.lines")).isEqualTo(3);
 * }</pre>
 */
public final class RecordingSourceContext implements SourceContext {

    /** The {@link #agentId()} every recording context reports. */
    public static final String AGENT_ID = "testkit";

    private final String sourceName;
    private final Path dataDir;
    private final Map<String, Position> committedPositions;
    private final Logger logger;
    private final PluginClock clock;
    private final RecordingMetrics metrics = new RecordingMetrics();
    private volatile String unhealthyReason;

    /**
     * @param sourceName         the source's name, as its key under {@code sources:} would be
     * @param dataDir            the source's data folder, created if missing; usually a JUnit
     *                           {@code @TempDir}
     * @param committedPositions the checkpoints the task starts from: stream → position, e.g.
     *                           {@link TaskDriver#committedPositions()} of a previous task
     */
    public RecordingSourceContext(String sourceName, Path dataDir, Map<String, Position> committedPositions) {
        this(sourceName, dataDir, committedPositions, PluginClock.SYSTEM);
    }

    /**
     * A context whose {@link #clock()} is {@code clock}: a {@link FakeClock} lets the test move time
     * on with {@link TaskDriver#advance}.
     */
    public RecordingSourceContext(String sourceName, Path dataDir, Map<String, Position> committedPositions,
                                  PluginClock clock) {
        this.clock = clock;
        this.sourceName = sourceName;
        this.dataDir = dataDir;
        this.committedPositions = Map.copyOf(committedPositions);
        this.logger = LoggerFactory.getLogger("io.tributary.source." + sourceName);
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data folder " + dataDir, e);
        }
    }

    @Override
    public String sourceName() {
        return sourceName;
    }

    @Override
    public String agentId() {
        return AGENT_ID;
    }

    @Override
    public Map<String, Position> committedPositions() {
        return committedPositions;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public PluginMetrics metrics() {
        return metrics;
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public PluginClock clock() {
        return clock;
    }

    @Override
    public void healthy() {
        unhealthyReason = null;
    }

    @Override
    public void unhealthy(String reason) {
        unhealthyReason = reason;
    }

    /** False between a call to {@link #unhealthy} and the next {@link #healthy}. */
    public boolean isHealthy() {
        return unhealthyReason == null;
    }

    /** The reason of the last {@link #unhealthy} call while unhealthy; {@code null} when healthy. */
    public String unhealthyReason() {
        return unhealthyReason;
    }

    /**
     * The current value of the counter the task created as {@code name}.
     *
     * @throws IllegalArgumentException when the task never created that counter, listing those it did
     */
    public long counter(String name) {
        RecordingCounter counter = metrics.counters.get(name);
        if (counter == null) {
            throw new IllegalArgumentException("no counter \"" + name + "\"; counters: "
                    + new TreeSet<>(metrics.counters.keySet()));
        }
        return counter.value.get();
    }

    /**
     * The value the gauge {@code name} reads now.
     *
     * @throws IllegalArgumentException when the task never registered that gauge, listing those it did
     */
    public Number gauge(String name) {
        Supplier<Number> gauge = metrics.gauges.get(name);
        if (gauge == null) {
            throw new IllegalArgumentException("no gauge \"" + name + "\"; gauges: "
                    + new TreeSet<>(metrics.gauges.keySet()));
        }
        return gauge.get();
    }

    private static final class RecordingMetrics implements PluginMetrics {
        private final Map<String, RecordingCounter> counters = new ConcurrentHashMap<>();
        private final Map<String, Supplier<Number>> gauges = new ConcurrentHashMap<>();

        @Override
        public Counter counter(String name, String description, Map<String, String> tags) {
            return counters.computeIfAbsent(tags.isEmpty() ? name : name + new TreeMap<>(tags), RecordingCounter::new);
        }

        @Override
        public void gauge(String name, String description, Supplier<Number> value) {
            gauges.put(name, value);
        }
    }

    private static final class RecordingCounter implements PluginMetrics.Counter {
        private final String name;
        private final AtomicLong value = new AtomicLong();

        private RecordingCounter(String name) {
            this.name = name;
        }

        @Override
        public void increment(long amount) {
            if (amount < 0) {
                throw new IllegalArgumentException("counter \"" + name + "\" only goes up, got increment " + amount);
            }
            value.addAndGet(amount);
        }
    }
}
