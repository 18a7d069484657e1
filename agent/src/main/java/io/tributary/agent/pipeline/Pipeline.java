package io.tributary.agent.pipeline;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tributary.agent.metrics.MicrometerPluginMetrics;
import io.tributary.api.Position;
import io.tributary.agent.transform.SourceTransforms;
import io.tributary.api.SourceTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running sources and the commit thread between them and Kafka: one thread per source, one
 * bounded {@link InFlightBuffer}, one shared producer written by one {@link Committer}.
 */
public final class Pipeline {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    /** What the pipeline needs to run one source; its thread applies {@code transforms} and closes them as it ends. */
    public record SourceSpec(SourceHandle handle, Callable<SourceTask> newTask, ClassLoader loader, SourceTransforms transforms) {
        public SourceSpec(SourceHandle handle, Callable<SourceTask> newTask, ClassLoader loader) {
            this(handle, newTask, loader, SourceTransforms.NONE);
        }
    }

    private record Running(SourceRunner runner, Thread thread) {
    }

    private final InFlightBuffer buffer;
    private final Committer committer;
    private final Thread committerThread;
    private final Map<String, Running> running = Collections.synchronizedMap(new LinkedHashMap<>());
    private final ProducerHealth producerHealth;
    private final String agentId;
    private final Path dataDir;
    private final MeterRegistry registry;
    private volatile boolean abandoned;

    /** How the pipeline writes to Kafka. */
    public record Settings(boolean exactlyOnce, Duration commitInterval, Duration transactionTimeout, long maxInFlightBytes,
                           long maxRecordBytes, boolean compressed, String agentId, String offsetsTopic, Path dataDir) {
    }

    /**
     * @param producer  the shared producer, its transactions initialised in exactly_once
     * @param producers makes a fresh, initialised producer; throws while Kafka cannot be reached
     * @param committedCheckpoints reads this agent's committed checkpoints back from the offsets topic, by source and stream
     */
    public Pipeline(Settings settings, Producer<byte[], byte[]> producer, Supplier<Producer<byte[], byte[]>> producers,
                    Supplier<Map<String, Map<String, Position>>> committedCheckpoints,
                    ProducerHealth producerHealth, TopicAdmin topicAdmin, FatalHandler fatalHandler, MeterRegistry registry) {
        this.producerHealth = producerHealth;
        this.agentId = settings.agentId();
        this.dataDir = settings.dataDir();
        this.registry = registry;
        this.buffer = new InFlightBuffer(settings.maxInFlightBytes());
        Gauge.builder("tributary.in_flight.bytes", buffer, InFlightBuffer::inFlightBytes)
                .description("Bytes accepted from all sources and not yet committed").baseUnit("bytes").register(registry);
        Gauge.builder("tributary.in_flight.max.bytes", buffer, InFlightBuffer::maxBytes)
                .description("agent.max_in_flight_bytes: sources pause when in-flight bytes reach it").baseUnit("bytes").register(registry);
        Gauge.builder("tributary.producer.up", producerHealth, h -> h.problem() == null ? 1 : 0)
                .description("1 while the shared producer gets records into Kafka, 0 while it cannot (the reason is on /health)").register(registry);
        Ticker ticker = Ticker.SYSTEM;
        ProducerSupervisor supervisor = new ProducerSupervisor(producer, producers, settings.transactionTimeout(), ticker, producerHealth,
                () -> abandoned, () -> foreignCommits(committedCheckpoints.get()), registry);
        UnwritableRecords unwritable = new UnwritableRecords(settings.offsetsTopic(), settings.maxRecordBytes(), settings.compressed(),
                topicAdmin);
        this.committer = new Committer(settings.exactlyOnce() ? DeliveryMode.exactlyOnce() : DeliveryMode.atLeastOnce(), buffer, supervisor,
                new TopicGate(topicAdmin, ticker, buffer::wakeUp), unwritable, new DeadLetters(settings.maxRecordBytes()), settings.commitInterval(),
                settings.agentId(), settings.offsetsTopic(), fatalHandler, producerHealth, ticker, registry);
        this.committerThread = new Thread(committer, "tributary-commit");
    }

    /**
     * Which running sources have committed checkpoints in the offsets topic other than the ones this
     * agent committed: another agent with the same id wrote them. Null when there are none.
     */
    private String foreignCommits(Map<String, Map<String, Position>> stored) {
        if (stored == null) {
            return null;
        }
        for (SourceHandle source : sources()) {
            Map<String, Position> theirs = stored.getOrDefault(source.name(), Map.of());
            Map<String, Position> ours = source.committedPositions();
            if (!theirs.equals(ours)) {
                return "source " + source.name() + " has checkpoints " + theirs + " in the offsets topic, where this agent committed " + ours;
            }
        }
        return null;
    }

    /** Starts the commit thread; sources follow with {@link #addSource}. */
    public void start() {
        producerHealth.started();
        committerThread.start();
    }

    /** Starts a source on a thread of its own. */
    public void addSource(SourceSpec spec) {
        SourceHandle handle = spec.handle();
        Path sourceDir = dataDir.resolve("sources").resolve(handle.name());
        try {
            Files.createDirectories(sourceDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder of source " + handle.name() + ": " + sourceDir, e);
        }
        Tags tags = Tags.of("source", handle.name(), "source_type", handle.type());
        SourceRunner runner = new SourceRunner(handle, spec.newTask(), spec.loader(),
                h -> new AgentSourceContext(h, agentId, sourceDir, new MicrometerPluginMetrics(registry, tags)), buffer, spec.transforms());
        Thread thread = new Thread(runner, "tributary-source-" + handle.name());
        running.put(handle.name(), new Running(runner, thread));
        thread.start();
    }

    /**
     * Stops a source and waits until what it read is committed, then forgets it. Returns its handle,
     * whose committed positions are where a successor resumes; null when it did not finish in time
     * (Kafka is away): the source is then stopped but still known, and {@link #finishRemoval} forgets
     * it once what it read is committed.
     */
    public SourceHandle removeSource(String name, Duration timeout) {
        Running source = running.get(name);
        if (source == null) {
            return null;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        source.runner().stop();
        joinUntil(source.thread(), deadline);
        SourceHandle handle = source.runner().handle();
        committer.forget(handle);
        while (handle.inFlightRecords() > 0 && System.nanoTime() < deadline && isRunning()) {
            sleepBriefly();
        }
        SourceHandle removed = finishRemoval(name);
        if (removed == null) {
            handle.runnerProblem("stopping: waiting for Kafka to commit what it read, then it is removed or replaced");
            log.warn("Source {} did not finish within {}; it is stopped, and removed or replaced once Kafka has taken what it read", name, timeout);
        }
        return removed;
    }

    /** Forgets a stopped source once its thread ended and what it read is committed; null until then. */
    public SourceHandle finishRemoval(String name) {
        Running source = running.get(name);
        if (source == null) {
            return null;
        }
        SourceHandle handle = source.runner().handle();
        if (source.thread().isAlive() || handle.inFlightRecords() > 0) {
            return null;
        }
        running.remove(name);
        handle.close();
        return handle;
    }

    public List<SourceHandle> sources() {
        synchronized (running) {
            return running.values().stream().map(r -> r.runner().handle()).toList();
        }
    }

    /**
     * Stops every source, commits what they handed over, and returns the producer for closing.
     * Within {@code timeout} when Kafka answers; past it, what is not committed is given up (and
     * re-read on restart by sources that can replay).
     */
    public Producer<byte[], byte[]> stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Running> all;
        synchronized (running) {
            all = new ArrayList<>(running.values());
        }
        all.forEach(r -> r.runner().stop());
        if (!isRunning()) {
            // Nothing takes from the buffer any more: wake sources blocked on it.
            all.forEach(r -> r.thread().interrupt());
        }
        for (Running r : all) {
            joinUntil(r.thread(), deadline);
        }
        committer.finish();
        joinUntil(committerThread, deadline);
        if (committerThread.isAlive()) {
            log.warn("Kafka did not take the last records within {}; giving them up", timeout);
            abandoned = true;
            committer.abandon();
            committerThread.interrupt();
            all.forEach(r -> r.thread().interrupt());
            joinUntil(committerThread, System.nanoTime() + Duration.ofSeconds(5).toNanos());
        }
        return committer.producer();
    }

    /** True while the commit thread runs; false once it ended (finished or failed). */
    public boolean isRunning() {
        return !committer.isFinished();
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinUntil(Thread thread, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return;
        }
        try {
            thread.join(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
