package io.tributary.connect;

import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.api.PluginMetrics;
import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of one part of a Tributary source inside a Connect task, with the lifecycle the agent
 * gives a task: {@code start} with the committed checkpoints, {@code poll} until stopped, then
 * {@code poll} until empty, then {@code close}; every call under the plugin's class loader.
 */
final class PartRunner implements Runnable {
    private static final long HANDOVER_WAIT_MILLIS = 100;
    private static final long STOP_WAIT_MILLIS = 10_000;

    record Batch(PartRunner runner, List<SourceRecord> records) {
    }

    private final String part;
    private final SourceTask task;
    private final ClassLoader loader;
    private final Map<String, Position> committedAtStart;
    private final BlockingQueue<Batch> handovers;
    private final Logger log;
    private final Thread thread;
    /** The part's checkpoints as offset values, as of the last record converted; only the Connect task thread touches it. */
    private final Map<String, String> offsetStreams = new HashMap<>();
    private volatile boolean stopping;
    private volatile Throwable failure;

    PartRunner(String source, String part, SourceTask task, ClassLoader loader, Map<String, Position> committed,
               BlockingQueue<Batch> handovers) {
        this.part = part;
        this.task = task;
        this.loader = loader;
        this.committedAtStart = Map.copyOf(committed);
        this.handovers = handovers;
        this.log = LoggerFactory.getLogger("io.tributary.source." + source);
        committed.forEach((stream, position) -> offsetStreams.put(stream, Offsets.write(position)));
        this.thread = new Thread(this, "tributary-" + source + "-" + part);
        thread.setDaemon(true);
        thread.setContextClassLoader(loader);
    }

    void start() {
        thread.start();
    }

    String part() {
        return part;
    }

    Map<String, String> offsetStreams() {
        return offsetStreams;
    }

    Throwable failure() {
        return failure;
    }

    void stop() {
        stopping = true;
        LoaderSwap.run(loader, task::stop);
    }

    void awaitEnd() {
        try {
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** From Connect's {@code commit()}: never concurrently with itself, as the agent's commit thread. */
    void committed(Map<String, Position> positions) {
        try {
            LoaderSwap.run(loader, () -> task.committed(positions));
        } catch (RuntimeException e) {
            log.warn("part {}: committed() threw; the checkpoints are committed all the same", part, e);
        }
    }

    @Override
    public void run() {
        try {
            task.start(new Context());
            while (!stopping) {
                handOver(task.poll());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            if (!stopping) {
                failure = e;
            }
        } finally {
            try {
                task.close();
            } catch (Exception e) {
                log.warn("part {}: closing its task failed", part, e);
            }
        }
    }

    private void handOver(List<SourceRecord> records) throws InterruptedException {
        if (records.isEmpty()) {
            return;
        }
        Batch batch = new Batch(this, records);
        while (!handovers.offer(batch, HANDOVER_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            if (stopping) {
                return;
            }
        }
    }

    /** What the part's task gets as its context: the agent's, from Connect's offsets. */
    private final class Context implements SourceContext {
        @Override
        public String sourceName() {
            return part.equals(io.tributary.api.SourceType.WHOLE) ? log.getName() : log.getName() + "/" + part;
        }

        @Override
        public String agentId() {
            return "kafka-connect";
        }

        @Override
        public Map<String, Position> committedPositions() {
            return committedAtStart;
        }

        @Override
        public Path dataDir() {
            try {
                return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "tributary-connect",
                        thread.getName().replaceAll("[^A-Za-z0-9._-]", "_")));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a data folder for part " + part, e);
            }
        }

        @Override
        public PluginMetrics metrics() {
            return NO_METRICS;
        }

        @Override
        public Logger logger() {
            return log;
        }

        @Override
        public void healthy() {
            log.info("part {} is healthy again", part);
        }

        @Override
        public void unhealthy(String reason) {
            log.warn("part {} is unhealthy: {}", part, reason);
        }
    }

    /** Tributary's plugin metrics do not reach Connect's metrics: counted nowhere. */
    private static final PluginMetrics NO_METRICS = new PluginMetrics() {
        @Override
        public Counter counter(String name, String description, Map<String, String> tags) {
            return amount -> {
            };
        }

        @Override
        public void gauge(String name, String description, Supplier<Number> value) {
        }
    };
}
