package io.tributary.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.agent.checkpoint.CheckpointStore;
import io.tributary.agent.checkpoint.CheckpointStoreException;
import io.tributary.agent.checkpoint.CheckpointsUnusableException;
import io.tributary.agent.checkpoint.OffsetsTopicIdFile;
import io.tributary.agent.config.AgentConfig;
import io.tributary.agent.config.Delivery;
import io.tributary.agent.config.KafkaSettings;
import io.tributary.agent.config.SourceConfig;
import io.tributary.agent.logging.Logging;
import io.tributary.agent.embedded.EmbeddedKafka;
import io.tributary.agent.http.HttpEndpoint;
import io.tributary.agent.metrics.JvmMetrics;
import io.tributary.agent.pipeline.Pipeline;
import io.tributary.agent.pipeline.ProducerHealth;
import io.tributary.agent.pipeline.SourceHandle;
import io.tributary.agent.pipeline.TopicAdmin;
import io.tributary.agent.config.OnError;
import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.api.Position;
import io.tributary.api.SourceTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon of {@code tributary run}: initialises the shared producer, reads the committed
 * checkpoints back, runs the pipeline and serves {@code agent.http}, until asked to stop or until
 * something fatal happens.
 */
final class Agent {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** The longest a graceful stop waits for Kafka to take the last records. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STARTUP_RETRY = Duration.ofSeconds(2);
    private static final Duration CHECKPOINT_READ_TIMEOUT = Duration.ofSeconds(60);

    /** When set (the packaged service sets it), {@code kafka.bootstrap_servers: embedded} is refused. */
    static final String SERVICE_ENV = "TRIBUTARY_SERVICE";

    private final Preparation prepared;
    private AgentConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ProducerHealth producerHealth = new ProducerHealth();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicBoolean reloadRequested = new AtomicBoolean();
    private final Map<String, SourceConfig> runningSources = new LinkedHashMap<>();
    /** Sources a reload stopped that had not committed what they read in time: their successors (null: removed), by name. */
    private final Map<String, Preparation.PreparedSource> pendingRemovals = new LinkedHashMap<>();
    private volatile String fatal;
    private volatile Pipeline pipeline;
    private volatile String startupProblem = "starting";

    private final StartupTimes startup;
    /** Checks and creates topics, the offsets topic among them, with the one admin client of the run. */
    private TopicAdmin topicAdmin;

    Agent(Preparation prepared, StartupTimes startup) {
        this.prepared = prepared;
        this.startup = startup;
        this.config = prepared.config;
    }

    /** Asks the agent to read its config file again (SIGHUP). */
    void requestReload() {
        reloadRequested.set(true);
    }

    /** Asks the agent to stop gracefully; {@link #run()} then returns. */
    void requestStop() {
        stopRequested.countDown();
    }

    /** Runs until stopped; returns the exit code: 0 after a graceful stop, 2 after a fatal error. */
    int run() {
        return runUntilStopped();
    }

    private int runUntilStopped() {
        String agentId = config.agent().id();
        long settingUp = startup.now();
        checkDataDir(config.agent().dataDir());
        EmbeddedKafka embedded = startEmbeddedKafkaIfAsked();
        JvmMetrics.bindTo(registry);
        HttpEndpoint http = config.agent().http() == null ? null
                : HttpEndpoint.start(config.agent().http(), registry, this::health);
        if (http != null) {
            log.info("Serving /metrics and /health on http://{}:{}", http.address().getHostString(), http.address().getPort());
        }
        Map<String, Object> producerConfig = KafkaClients.producerConfig(config, prepared.interceptors, registry);
        boolean exactlyOnce = config.agent().delivery() == Delivery.EXACTLY_ONCE;
        Producer<byte[], byte[]> producer = null;
        KafkaClientMetrics producerMetrics = null;
        topicAdmin = new TopicAdmin(KafkaClients.connectionConfig(config));
        startup.finished("set-up", settingUp);
        // Neither the offsets topic nor the dead-letter topics wait for the producer, whose start takes
        // round trips to Kafka, nor for each other: they are checked (and created) meanwhile, each on a
        // thread of its own.
        FutureTask<CheckpointStore.Read> checkpointReadBegun = new FutureTask<>(() -> {
            long checking = startup.now();
            ensureOffsetsTopic(agentId);
            startup.finished("offsets topic", checking);
            long connecting = startup.now();
            CheckpointStore.Read read = checkpointStore(agentId).beginRead(CHECKPOINT_READ_TIMEOUT);
            startup.finished("checkpoint read begun", connecting);
            return read;
        });
        FutureTask<Void> deadLetterTopicsChecked = new FutureTask<>(() -> {
            long checking = startup.now();
            topicAdmin.createMissing(deadLetterTopics(), Duration.ofSeconds(5));
            startup.finished("dead-letter topics", checking);
        }, null);
        startBeside("tributary-startup-checks", checkpointReadBegun);
        startBeside("tributary-dead-letter-checks", deadLetterTopicsChecked);
        try {
            long initialising = startup.now();
            producer = initialisedProducer(producerConfig, exactlyOnce);
            startup.finished(exactlyOnce ? "producer and initTransactions" : "producer", initialising);
            if (producer == null) {
                return 0;
            }
            producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(registry);
            long reading = startup.now();
            Map<String, Map<String, Position>> checkpoints = readCheckpoints(agentId, checkpointReadBegun);
            if (checkpoints == null) {
                return 0;
            }
            startup.finished("checkpoints", reading);
            awaitDeadLetterTopicsChecked(deadLetterTopicsChecked);
            Pipeline.Settings settings = new Pipeline.Settings(exactlyOnce, config.agent().commitInterval(),
                    KafkaClients.transactionTimeout(producerConfig), config.agent().maxInFlightBytes(), KafkaClients.maxRecordBytes(producerConfig),
                    KafkaClients.compressed(producerConfig), agentId, config.agent().offsetsTopic(), config.agent().dataDir());
            pipeline = new Pipeline(settings, producer, () -> initialisedProducerOrFail(producerConfig, exactlyOnce),
                    () -> readCheckpoints(agentId, null), producerHealth, topicAdmin, this::onFatal, registry);
            startupProblem = null;
            long startingSources = startup.now();
            pipeline.start();
            for (Preparation.PreparedSource source : prepared.sources.values()) {
                startSource(source, checkpoints.getOrDefault(source.config().name(), Map.of()));
            }
            startup.finished("pipeline and sources", startingSources);
            log.info("Tributary agent {} running {} source(s) in {} mode, transactional.id {}; {}", agentId, prepared.sources.size(),
                    exactlyOnce ? "exactly_once" : "at_least_once", exactlyOnce ? KafkaClients.transactionalId(agentId) : "(none)",
                    startup.summary());
            ClassDataSharing.archiveWorthKeeping();
            awaitStop();
            log.info("Stopping: sources stop, what they read is committed");
            producer = pipeline.stop(SHUTDOWN_TIMEOUT);
            return fatal == null ? 0 : 2;
        } finally {
            closeIfBegun(checkpointReadBegun);
            if (producerMetrics != null) {
                producerMetrics.close();
            }
            if (producer != null) {
                closeProducer(producer);
            }
            topicAdmin.close();
            if (http != null) {
                http.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            if (fatal != null) {
                log.error("Tributary agent {} stopped: {}", agentId, fatal);
            } else {
                log.info("Tributary agent {} stopped", agentId);
            }
        }
    }

    /**
     * For {@code kafka.bootstrap_servers: embedded}: starts the local broker the quickstart tree
     * ships, with its data under data_dir, and points the agent at it.
     */
    private EmbeddedKafka startEmbeddedKafkaIfAsked() {
        if (!KafkaSettings.EMBEDDED.equals(config.kafka().bootstrapServers())) {
            return null;
        }
        if (System.getenv(SERVICE_ENV) != null) {
            throw new AgentException("kafka.bootstrap_servers: embedded is for trying Tributary and for tests; "
                    + "the service refuses it. Name your Kafka cluster's brokers");
        }
        EmbeddedKafka embedded = ServiceLoader.load(EmbeddedKafka.class).findFirst().orElseThrow(() -> new AgentException(
                "kafka.bootstrap_servers: embedded needs the quickstart tree's broker (lib/embedded); this installation has none"));
        try {
            String bootstrap = embedded.start(config.agent().dataDir().resolve("embedded-kafka"));
            log.info("Started the embedded Kafka broker at {} (for trying Tributary only)", bootstrap);
            config = config.withBootstrapServers(bootstrap);
            return embedded;
        } catch (Exception e) {
            embedded.close();
            throw new AgentException("cannot start the embedded Kafka broker: " + e.getMessage());
        }
    }

    /** The dead-letter topics of the sources whose on_error sends records there. */
    private List<String> deadLetterTopics() {
        return prepared.sources.values().stream().map(Preparation.PreparedSource::config)
                .filter(source -> source.onError() == OnError.DEAD_LETTER).map(SourceConfig::deadLetterTopic).distinct().toList();
    }

    private void startSource(Preparation.PreparedSource source, Map<String, Position> committed) {
        SourceConfig sourceConfig = source.config();
        SourceHandle handle = new SourceHandle(sourceConfig.name(), sourceConfig.type(), sourceConfig.onError(),
                sourceConfig.deadLetterTopic(), committed, registry);
        var type = source.type();
        AtomicReference<SourceTask> firstTask = new AtomicReference<>(source.claimFirstTask());
        pipeline.addSource(new Pipeline.SourceSpec(handle, () -> {
            SourceTask task = firstTask.getAndSet(null);
            return task != null ? task : LoaderSwap.call(type.loader(), () -> type.extension().create(sourceConfig.settings()));
        }, type.loader(), source.transforms().start(sourceConfig, registry)));
        runningSources.put(sourceConfig.name(), sourceConfig);
    }

    private void awaitStop() {
        try {
            while (!stopRequested.await(200, TimeUnit.MILLISECONDS)) {
                if (!pipeline.isRunning()) {
                    return;
                }
                if (reloadRequested.getAndSet(false)) {
                    reload();
                }
                finishPendingRemovals();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGHUP: reads the config file again. An invalid file is rejected with its errors and the
     * running config stays. Sources added start, removed stop, changed restart; a source stops only
     * once what it read is committed, and its successor resumes from exactly there, so nothing is
     * lost or repeated. Unchanged sources are not touched. Settings of agent, kafka and
     * interceptors need a restart; logging levels apply at once.
     */
    private void reload() {
        Path file = prepared.configFile;
        log.info("Reloading {}", file);
        try (Preparation next = Preparation.prepare(file, Main.environment(), false, prepared.plugins)) {
            reload(file, next);
        }
    }

    private void reload(Path file, Preparation next) {
        if (!next.ok()) {
            log.error("Reload rejected: {} has {} error(s); the running config stays", file, next.errors.size());
            next.errors.forEach(error -> log.error("{}", error));
            return;
        }
        Logging.apply(next.config.logging());
        if (!next.config.agent().equals(prepared.config.agent()) || !next.config.kafka().equals(prepared.config.kafka())
                || !sameInterceptors(next.config, prepared.config)) {
            log.warn("Changes to agent, kafka or interceptors take effect on restart; this reload applies source and logging changes only");
        }
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> restarted = new ArrayList<>();
        for (String name : List.copyOf(runningSources.keySet())) {
            Preparation.PreparedSource replacement = next.sources.get(name);
            if (pendingRemovals.containsKey(name)) {
                // Stopped by an earlier reload and still committing: the newest config replaces it when it is done.
                pendingRemovals.put(name, replacement);
                continue;
            }
            if (replacement != null && sameSource(runningSources.get(name), replacement.config())) {
                continue;
            }
            SourceHandle stopped = pipeline.removeSource(name, SHUTDOWN_TIMEOUT);
            if (stopped == null) {
                pendingRemovals.put(name, replacement);
                continue;
            }
            runningSources.remove(name);
            if (replacement == null) {
                removed.add(name);
            } else {
                startSource(replacement, stopped.committedPositions());
                restarted.add(name);
            }
        }
        List<Preparation.PreparedSource> toAdd = next.sources.values().stream()
                .filter(source -> !runningSources.containsKey(source.config().name())).toList();
        if (!toAdd.isEmpty()) {
            Map<String, Map<String, Position>> checkpoints = readCheckpoints(config.agent().id(), null);
            if (checkpoints == null) {
                return;
            }
            for (Preparation.PreparedSource source : toAdd) {
                startSource(source, checkpoints.getOrDefault(source.config().name(), Map.of()));
                added.add(source.config().name());
            }
        }
        log.info("Reloaded {}: added {}, removed {}, restarted {}, {} unchanged", file, added, removed, restarted,
                runningSources.size() - added.size() - restarted.size());
    }

    /** Completes the reload of sources that could not commit what they read in time, once they have. */
    private void finishPendingRemovals() {
        for (String name : List.copyOf(pendingRemovals.keySet())) {
            SourceHandle stopped = pipeline.finishRemoval(name);
            if (stopped == null) {
                continue;
            }
            Preparation.PreparedSource replacement = pendingRemovals.remove(name);
            runningSources.remove(name);
            if (replacement == null) {
                log.info("Source {} committed what it read and is removed, as the reload asked", name);
            } else {
                startSource(replacement, stopped.committedPositions());
                log.info("Source {} committed what it read and restarts with its reloaded config", name);
            }
        }
    }

    private static boolean sameSource(SourceConfig a, SourceConfig b) {
        return a.type().equals(b.type()) && a.onError() == b.onError() && a.deadLetterTopic().equals(b.deadLetterTopic())
                && a.settings().asMap().equals(b.settings().asMap()) && a.transforms().sameAs(b.transforms());
    }

    private static boolean sameInterceptors(AgentConfig a, AgentConfig b) {
        if (a.interceptors().size() != b.interceptors().size()) {
            return false;
        }
        for (int i = 0; i < a.interceptors().size(); i++) {
            var x = a.interceptors().get(i);
            var y = b.interceptors().get(i);
            if (!Objects.equals(x.type(), y.type()) || !Objects.equals(x.className(), y.className())
                    || !x.settings().asMap().equals(y.settings().asMap())) {
                return false;
            }
        }
        return true;
    }

    private void onFatal(String message, Throwable cause) {
        fatal = message;
        log.error("Fatal: {}", message, cause);
        stopRequested.countDown();
    }

    private static void checkDataDir(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            // A byte, not just a file name: a full file system takes the name but not the byte.
            Path probe = Files.createTempFile(dataDir, ".write-check", ".tmp");
            try {
                Files.write(probe, new byte[] {'\n'}, StandardOpenOption.SYNC);
            } finally {
                Files.delete(probe);
            }
        } catch (IOException e) {
            throw new AgentException("agent.data_dir " + dataDir + " is not writable: " + e);
        }
    }

    /**
     * A producer ready to write: in exactly_once its transactions initialised, which also fences any
     * older incarnation of this agent and aborts its open transaction. Retries while Kafka is
     * unreachable; null when asked to stop meanwhile.
     */
    private Producer<byte[], byte[]> initialisedProducer(Map<String, Object> producerConfig, boolean exactlyOnce) {
        while (stopRequested.getCount() > 0) {
            try {
                return initialisedProducerOrFail(producerConfig, exactlyOnce);
            } catch (ConfigException e) {
                throw e;
            } catch (KafkaException e) {
                startupProblem = "waiting for Kafka at " + config.kafka().bootstrapServers() + ": " + e.getMessage();
                log.warn("Cannot initialise the producer yet ({}); retrying", e.getMessage());
                sleep(STARTUP_RETRY);
            }
        }
        return null;
    }

    private Producer<byte[], byte[]> initialisedProducerOrFail(Map<String, Object> producerConfig, boolean exactlyOnce) {
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig);
        if (!exactlyOnce) {
            return producer;
        }
        try {
            producer.initTransactions();
            return producer;
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * This agent's committed checkpoints, retried while Kafka does not answer; null when asked to stop
     * meanwhile.
     *
     * @param readBegun the offsets topic checked and the read begun earlier (to end after the producer
     *                  initialised), for the first attempt; null for none
     */
    private Map<String, Map<String, Position>> readCheckpoints(String agentId, Future<CheckpointStore.Read> readBegun) {
        String topic = config.agent().offsetsTopic();
        Future<CheckpointStore.Read> begunEarlier = readBegun;
        while (stopRequested.getCount() > 0) {
            try {
                CheckpointStore store = checkpointStore(agentId);
                CheckpointStore.Read read;
                if (begunEarlier != null) {
                    Future<CheckpointStore.Read> begun = begunEarlier;
                    begunEarlier = null;
                    read = resultOf(begun);
                } else {
                    ensureOffsetsTopic(agentId);
                    read = store.beginRead(CHECKPOINT_READ_TIMEOUT);
                }
                Map<String, Map<String, Position>> checkpoints = store.load(read, CHECKPOINT_READ_TIMEOUT);
                int streams = checkpoints.values().stream().mapToInt(Map::size).sum();
                log.info("Read {} committed checkpoint(s) of {} source(s) from {}", streams, checkpoints.size(), topic);
                return checkpoints;
            } catch (CheckpointsUnusableException e) {
                throw new AgentException(e.getMessage());
            } catch (IOException e) {
                throw new AgentException("agent.data_dir: " + e.getMessage());
            } catch (CheckpointStoreException e) {
                startupProblem = "reading checkpoints: " + e.getMessage();
                log.warn("Cannot read checkpoints yet ({}); retrying", e.getMessage());
                sleep(STARTUP_RETRY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /**
     * Creates the offsets topic when missing and checks that it is the one this agent used before
     * (its id is kept in data_dir).
     */
    private void ensureOffsetsTopic(String agentId) throws IOException, InterruptedException {
        String topic = config.agent().offsetsTopic();
        OffsetsTopicIdFile idFile = new OffsetsTopicIdFile(config.agent().dataDir());
        idFile.write(topic, checkpointStore(agentId).ensureTopic(topicAdmin.admin(), Duration.ofSeconds(30), idFile.read(topic)));
    }

    private CheckpointStore checkpointStore(String agentId) {
        return new CheckpointStore(KafkaClients.connectionConfig(config), config.agent().offsetsTopic(), agentId);
    }

    /** Ends a read begun at start that the start did not get to use (it stopped before). */
    private static void closeIfBegun(FutureTask<CheckpointStore.Read> readBegun) {
        readBegun.cancel(false);
        if (readBegun.isDone() && !readBegun.isCancelled()) {
            try {
                readBegun.get().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // It failed to begin: nothing to end.
            }
        }
    }

    /** Runs {@code task} on a daemon thread of its own, beside the producer's start. */
    private static void startBeside(String threadName, Runnable task) {
        Thread thread = new Thread(task, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits for the check, which ends within its own timeout and reports its own problems. */
    private static void awaitDeadLetterTopicsChecked(Future<Void> check) {
        try {
            check.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("Checking the dead-letter topics failed; they are checked again when a record needs one", e.getCause());
        }
    }

    /** What a task returned, or what it threw, as it threw it. */
    private static <T> T resultOf(Future<T> task) throws IOException, InterruptedException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    private void sleep(Duration duration) {
        try {
            stopRequested.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeProducer(Producer<byte[], byte[]> producer) {
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("Closing the producer failed", e);
        }
    }

    private HttpEndpoint.HealthReport health() {
        Pipeline current = pipeline;
        String producerProblem = startupProblem != null ? startupProblem : producerHealth.problem();
        return new HttpEndpoint.HealthReport() {
            @Override
            public boolean healthy() {
                if (producerProblem != null || current == null) {
                    return false;
                }
                return current.sources().stream().allMatch(s -> s.problem() == null);
            }

            @Override
            public ObjectNode toJson(ObjectMapper mapper) {
                ObjectNode root = mapper.createObjectNode();
                root.put("status", healthy() ? "up" : "down");
                ObjectNode producer = root.putObject("producer");
                producer.put("status", producerProblem == null ? "up" : "down");
                if (producerProblem != null) {
                    producer.put("problem", producerProblem);
                }
                ObjectNode sources = root.putObject("sources");
                if (current != null) {
                    for (SourceHandle source : current.sources()) {
                        ObjectNode node = sources.putObject(source.name());
                        node.put("type", source.type());
                        String problem = source.problem();
                        node.put("status", problem == null ? "up" : "down");
                        if (problem != null) {
                            node.put("problem", problem);
                        }
                    }
                }
                return root;
            }
        };
    }
}
