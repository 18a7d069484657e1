package io.tributary.plugins.connect;

import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;

/**
 * One running {@code connect} source: a Connect {@link SourceConnector} and its tasks, each task
 * polled on a thread of its own, their records handed to the agent through a small bounded queue (so
 * a slow Kafka stops the tasks' polling, as it pauses any source).
 *
 * <p>Connect's order is kept: a task hears {@code commitRecord} and {@code commit} only after the
 * Kafka transaction holding the records committed; its {@code OffsetStorageReader} answers from the
 * committed checkpoints; {@code requestTaskReconfiguration} stops the tasks, waits until what they
 * handed over committed, and starts tasks with the connector's new configs; {@code raiseError} and a
 * task that throws fail the source, which the agent restarts from its committed checkpoints.
 */
final class ConnectSource implements SourceTask {
    /** Batches (one per task poll) waiting for the agent: enough to keep it busy, small enough to bound memory. */
    private static final int HANDOVER_BATCHES = 8;
    private static final long POLL_WAIT_MILLIS = 500;
    private static final long TASK_STOP_MILLIS = 5_000;

    private final ConnectSourceConfig config;
    private final Offsets offsets = new Offsets();
    private final BlockingQueue<List<SourceRecord>> handovers = new ArrayBlockingQueue<>(HANDOVER_BATCHES);
    private final Map<String, Position> committed = new ConcurrentHashMap<>();
    /**
     * Records handed over and not yet committed, per stream in hand-over order: whose commitRecord is
     * due when. Only for tasks that override commitRecord.
     */
    private final Map<String, Deque<Pending>> pending = new ConcurrentHashMap<>();
    /** The newest position handed to the agent per stream: the tasks are drained when all are committed. */
    private final Map<String, Position> handedOver = new ConcurrentHashMap<>();
    private final AtomicBoolean reconfigurationRequested = new AtomicBoolean();
    private final AtomicReference<Exception> connectorError = new AtomicReference<>();
    private final Metrics metrics = new Metrics();
    private final List<TaskRunner> runners = new ArrayList<>();
    private volatile boolean stopping;

    private SourceContext context;
    private PluginPath plugins;
    private SourceConnector connector;
    /** The connector's settings, converters named by class. */
    private Map<String, String> connectorConfig;
    private List<Map<String, String>> taskConfigs = List.of();
    /** True between asking the tasks to stop for new configs and starting the new tasks. */
    private boolean reconfiguring;

    ConnectSource(ConnectSourceConfig config) {
        this.config = config;
    }

    /** A record handed to the agent, for its task's {@code commitRecord} once it is committed. */
    record Pending(TaskRunner runner, org.apache.kafka.connect.source.SourceRecord record, Position position) {
    }

    @Override
    public void start(SourceContext context) {
        this.context = context;
        committed.putAll(context.committedPositions());
        plugins = PluginPath.open(config.pluginPath());
        connector = Plugins.instantiate(plugins.find(config.connectorClass(), SourceConnector.class));
        connectorConfig = Converters.withClassNames(config.connector(), plugins);
        InLoader.run(connector, () -> {
            ExactlyOnceSupport support = connector.exactlyOnceSupport(connectorConfig);
            if (support != ExactlyOnceSupport.SUPPORTED) {
                context.logger().warn("{} does not say it supports exactly-once delivery (exactlyOnceSupport() is {});"
                        + " its records are exactly once only if its offsets let it replay what it read", connector.getClass().getName(), support);
            }
            connector.initialize(new ConnectorContext());
            connector.start(connectorConfig);
        });
        startTasks();
    }

    @Override
    public List<SourceRecord> poll() throws Exception {
        Exception raised = connectorError.get();
        if (raised != null) {
            throw new IllegalStateException("the connector raised an error: " + raised, raised);
        }
        for (TaskRunner runner : runners) {
            if (runner.failure() != null) {
                throw new IllegalStateException("Connect task " + runner.id() + " failed: " + runner.failure(), runner.failure());
            }
        }
        if (!stopping && reconfigurationRequested.getAndSet(false)) {
            reconsiderTaskConfigs();
        }
        List<SourceRecord> batch = handovers.poll(POLL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (batch == null) {
            if (reconfiguring && !stopping) {
                restartTasksOnceDrained();
            }
            return List.of();
        }
        List<SourceRecord> records = new ArrayList<>(batch);
        for (List<SourceRecord> more = handovers.poll(); more != null; more = handovers.poll()) {
            records.addAll(more);
        }
        return records;
    }

    @Override
    public void committed(Map<String, Position> positions) {
        committed.putAll(positions);
        synchronized (runners) {
            runners.forEach(TaskRunner::commitDue);
        }
        positions.forEach((stream, position) -> {
            Deque<Pending> records = pending.get(stream);
            if (records == null) {
                return;
            }
            // Everything up to the last record carrying the committed position is committed.
            boolean reached = false;
            for (Pending head = records.peekFirst(); head != null; head = records.peekFirst()) {
                boolean atPosition = head.position().equals(position);
                if (reached && !atPosition) {
                    break;
                }
                reached |= atPosition;
                records.pollFirst();
                head.runner().committed(head.record());
            }
        });
    }

    @Override
    public void stop() {
        stopping = true;
        synchronized (runners) {
            runners.forEach(TaskRunner::stop);
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        stopTasks();
        if (connector != null) {
            try {
                InLoader.run(connector, connector::stop);
            } catch (RuntimeException e) {
                context.logger().warn("the connector's stop() threw", e);
            }
        }
        metrics.close();
        if (plugins != null) {
            plugins.close();
        }
    }

    String name() {
        return config.sourceName();
    }

    Offsets offsets() {
        return offsets;
    }

    /**
     * Called by a task thread once the agent took a record with this checkpoint; {@code record} is
     * null when its task does not want {@code commitRecord}.
     */
    void handedOver(Checkpoint checkpoint, Pending record) {
        handedOver.put(checkpoint.stream(), checkpoint.position());
        if (record != null) {
            pending.computeIfAbsent(checkpoint.stream(), s -> new ConcurrentLinkedDeque<>()).addLast(record);
        }
    }

    boolean offer(List<SourceRecord> records, long timeout, TimeUnit unit) throws InterruptedException {
        return handovers.offer(records, timeout, unit);
    }

    SourceTaskContext taskContext(int task, Map<String, String> taskConfig) {
        return new TaskContext(task, taskConfig);
    }

    private void startTasks() {
        List<Map<String, String>> configs = InLoader.get(connector, () -> connector.taskConfigs(config.tasksMax()));
        if (configs.size() > config.tasksMax()) {
            throw new IllegalStateException(connector.getClass().getName() + " asked for " + configs.size()
                    + " tasks, more than tasks_max (" + config.tasksMax() + ")");
        }
        Class<? extends org.apache.kafka.connect.source.SourceTask> taskClass = InLoader.get(connector,
                () -> connector.taskClass().asSubclass(org.apache.kafka.connect.source.SourceTask.class));
        taskConfigs = List.copyOf(configs);
        synchronized (runners) {
            for (int i = 0; i < configs.size(); i++) {
                // As in Connect, a task gets only what taskConfigs() gave it; converters come from the connector's settings.
                TaskRunner runner = new TaskRunner(i, Plugins.instantiate(taskClass), configs.get(i), this,
                        Converters.of(connectorConfig, plugins), context.logger());
                runners.add(runner);
            }
            runners.forEach(TaskRunner::start);
        }
        context.logger().info("started {} with {} task(s)", connector.getClass().getName(), configs.size());
    }

    /** As Connect's herder: new task configs only when they differ; then the old tasks stop first. */
    private void reconsiderTaskConfigs() {
        List<Map<String, String>> configs = InLoader.get(connector, () -> connector.taskConfigs(config.tasksMax()));
        if (configs.equals(taskConfigs)) {
            return;
        }
        context.logger().info("the connector asked for new task configs; stopping {} task(s) to start {}", runners.size(), configs.size());
        synchronized (runners) {
            runners.forEach(TaskRunner::stop);
        }
        reconfiguring = true;
    }

    /** Starts the new tasks once the old ones ended and all they handed over is committed. */
    private void restartTasksOnceDrained() throws InterruptedException {
        for (TaskRunner runner : runners) {
            if (runner.isAlive()) {
                return;
            }
        }
        for (Map.Entry<String, Position> stream : handedOver.entrySet()) {
            if (!stream.getValue().equals(committed.get(stream.getKey()))) {
                return;
            }
        }
        pending.clear();
        synchronized (runners) {
            runners.clear();
        }
        reconfiguring = false;
        startTasks();
    }

    private void stopTasks() throws InterruptedException {
        List<TaskRunner> all;
        synchronized (runners) {
            all = List.copyOf(runners);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TASK_STOP_MILLIS);
        for (TaskRunner runner : all) {
            // A task blocked in a hand-over gives up once the source stops; one stuck in poll() is left behind.
            handovers.clear();
            if (!runner.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))) {
                context.logger().warn("Connect task {} did not return from poll() within {} ms of stop(); leaving it", runner.id(), TASK_STOP_MILLIS);
            }
        }
    }

    /** What the connector gets as its context. */
    private final class ConnectorContext implements SourceConnectorContext {
        private final PluginMetrics pluginMetrics = new PluginMetricsImpl(metrics, Map.of("connector", config.sourceName()));

        @Override
        public void requestTaskReconfiguration() {
            reconfigurationRequested.set(true);
        }

        @Override
        public void raiseError(Exception e) {
            connectorError.compareAndSet(null, e);
            context.unhealthy("the connector raised an error: " + e);
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return pluginMetrics;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return reader;
        }
    }

    /** What each task gets as its context. */
    private final class TaskContext implements SourceTaskContext {
        private final Map<String, String> configs;
        private final PluginMetrics pluginMetrics;

        TaskContext(int task, Map<String, String> configs) {
            this.configs = configs;
            this.pluginMetrics = new PluginMetricsImpl(metrics, Map.of("connector", config.sourceName(), "task", Integer.toString(task)));
        }

        @Override
        public Map<String, String> configs() {
            return configs;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return reader;
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return pluginMetrics;
        }
    }

    /** Connect's offsets, read from the checkpoints committed so far. */
    private final OffsetStorageReader reader = new OffsetStorageReader() {
        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            Position position = committed.get(offsets.stream(partition));
            return position == null ? null : offsets.offset(position);
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            Map<Map<String, T>, Map<String, Object>> result = new HashMap<>();
            for (Map<String, T> partition : partitions) {
                result.put(partition, offset(Objects.requireNonNull(partition, "partition")));
            }
            return result;
        }
    };
}
