package io.tributary.agent.checkpoint;

import io.tributary.api.Position;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the committed checkpoints of one agent from the offsets topic, {@code read_committed}, and
 * creates that topic (compacted) when it is missing.
 */
public final class CheckpointStore {
    /** The file in data_dir that remembers the offsets topic's id, to notice it was deleted or recreated. */
    public static final String OFFSETS_TOPIC_ID_FILE = "offsets-topic.id";
    /**
     * The configs of an offsets topic the agent creates. Every start reads the whole topic, and the
     * log cleaner never compacts a segment still being written, nor drops a compacted transaction's
     * commit marker before delete.retention.ms: with Kafka's defaults (1 GiB or 7 days a segment, a
     * day for markers), what a restart reads grew by about 350 B a commit (checkpoint and marker), up
     * to 300 MB a day for an agent committing every 100 ms. Segments of a minute or 8 MiB, and markers
     * and tombstones kept 5 minutes (a read gives up after one), bound it to the last minutes' commits.
     */
    static final Map<String, String> OFFSETS_TOPIC_CONFIGS = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG, "60000",
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024),
            TopicConfig.DELETE_RETENTION_MS_CONFIG, "300000");
    /** Distinct keys whose decoding a read remembers: a key repeats once per commit of its stream. */
    private static final int DECODED_KEYS_KEPT = 10_000;
    private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final String agentId;

    /**
     * @param clientConfig connection settings shared with the producer (bootstrap, security)
     */
    public CheckpointStore(Map<String, Object> clientConfig, String topic, String agentId) {
        this.clientConfig = clientConfig;
        this.topic = topic;
        this.agentId = agentId;
    }

    /**
     * Creates the offsets topic, compacted, when it does not exist, and returns its topic id.
     *
     * @param admin   the agent's admin client: a client of its own would cost another connection and cold start
     * @param knownId the id this agent saw last time (kept in data_dir), or null the first time
     * @throws CheckpointsUnusableException when the topic this agent used was deleted or replaced:
     *                                      its checkpoints are gone
     */
    public Uuid ensureTopic(Admin admin, Duration timeout, Uuid knownId) throws InterruptedException {
        try {
            Uuid id = describe(admin, timeout);
            if (id == null) {
                if (knownId != null) {
                    throw new CheckpointsUnusableException("offsets topic " + topic + " (topic id " + knownId
                            + ") was deleted: the checkpoints it held are gone. Refusing to re-read every source from the beginning; "
                            + "if that is what you want, delete " + OFFSETS_TOPIC_ID_FILE + " in agent.data_dir and start again");
                }
                NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty()).configs(OFFSETS_TOPIC_CONFIGS);
                try {
                    admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    log.info("Created offsets topic {} (compacted)", topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                id = awaitCreated(admin, timeout);
            }
            if (knownId != null && !knownId.equals(id)) {
                throw new CheckpointsUnusableException("offsets topic " + topic + " was recreated (topic id " + knownId + " before, "
                        + id + " now): the checkpoints it held are gone. Refusing to re-read every source from the beginning; "
                        + "if that is what you want, delete " + OFFSETS_TOPIC_ID_FILE + " in agent.data_dir and start again");
            }
            return id;
        } catch (ExecutionException e) {
            throw new CheckpointStoreException("cannot check or create offsets topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new CheckpointStoreException("cannot reach Kafka to check offsets topic " + topic + " within " + timeout, e);
        }
    }

    /** The id of the topic just created: metadata may lag the creation by a moment. */
    private Uuid awaitCreated(Admin admin, Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Uuid id = describe(admin, timeout);
            if (id != null) {
                return id;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("offsets topic " + topic + " was created but does not show in the metadata");
            }
            Thread.sleep(100);
        }
    }

    /** The topic's id, or null when it does not exist. */
    private Uuid describe(Admin admin, Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return description.topicId();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Every committed checkpoint of this agent: source → stream → position.
     *
     * @throws CheckpointsUnusableException when the last record of one of this agent's streams, or a
     *                                      record whose key cannot be read, is not a valid checkpoint:
     *                                      never a silent restart from zero
     * @throws CheckpointStoreException     when Kafka does not answer in time
     */
    public Map<String, Map<String, Position>> load(Duration timeout) {
        return load(beginRead(timeout), timeout);
    }

    /**
     * The checkpoints of a read begun earlier, which this closes.
     *
     * @see #load(Duration)
     */
    public Map<String, Map<String, Position>> load(Read read, Duration timeout) {
        Map<String, Map<String, Position>> bySource = new TreeMap<>();
        for (Map.Entry<CheckpointKey, ConsumerRecord<byte[], byte[]>> entry : readAll(read, timeout).entrySet()) {
            CheckpointKey key = entry.getKey();
            ConsumerRecord<byte[], byte[]> record = entry.getValue();
            Position position;
            try {
                position = CheckpointCodec.decodeValue(record.value());
            } catch (CorruptCheckpointException e) {
                throw corrupt(record, e);
            }
            bySource.computeIfAbsent(key.source(), s -> new TreeMap<>()).put(key.stream(), position);
        }
        return bySource;
    }

    /**
     * A read of the checkpoints begun: the consumer made and connected, and what was committed when
     * it began read already. None of it needs the agent's producer, so it goes on while the producer
     * initialises its transactions. The read ends after that ({@link #load(Read, Duration)}): only
     * then is an older incarnation's open transaction aborted or completed, and the end of what is
     * committed known. A read_committed consumer never returns records past the last stable offset,
     * so what it read before is committed either way.
     */
    public static final class Read implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;
        /** This agent's streams and the last record of each, decoded once the read ends. */
        private final Map<CheckpointKey, ConsumerRecord<byte[], byte[]>> latest = new LinkedHashMap<>();
        private final Map<ByteBuffer, CheckpointKey> decodedKeys = new HashMap<>();
        private boolean closed;

        private Read(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
            this.consumer = consumer;
            this.partitions = partitions;
        }

        /** Ends the read, if it has not ended yet. */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                consumer.close();
            }
        }
    }

    /**
     * Begins a read of the checkpoints, to be ended by {@link #load(Read, Duration)}.
     *
     * @throws CheckpointStoreException     when Kafka does not answer in time
     * @throws CheckpointsUnusableException when a key cannot be read as a checkpoint key
     */
    public Read beginRead(Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-" + agentId + "-checkpoints");
        // The read ends at the end offsets taken before it: the broker need not hold a fetch open
        // waiting for more (500 ms by default), which close() would wait out too.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Read read = null;
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            List<TopicPartition> partitions = new ArrayList<>();
            if (infos != null) {
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            read = new Read(consumer, partitions);
            readTo(read, timeout);
            return read;
        } catch (RuntimeException e) {
            if (read != null) {
                read.close();
            } else {
                consumer.close();
            }
            throw e instanceof org.apache.kafka.common.errors.TimeoutException timeoutException ? timedOut(timeout, timeoutException) : e;
        }
    }

    /** Reads on to the end offsets as they are now. */
    private void readTo(Read read, Duration timeout) {
        if (read.partitions.isEmpty()) {
            return;
        }
        KafkaConsumer<byte[], byte[]> consumer = read.consumer;
        Map<TopicPartition, Long> end = consumer.endOffsets(read.partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(consumer, end)) {
            if (System.nanoTime() > deadline) {
                throw new CheckpointStoreException("reading offsets topic " + topic + " did not finish within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                CheckpointKey key = decodeKey(read, record);
                if (!key.agentId().equals(agentId)) {
                    continue;
                }
                if (record.value() == null) {
                    read.latest.remove(key);
                } else {
                    read.latest.put(key, record);
                }
            }
        }
    }

    /**
     * The record's key, decoded once per distinct key bytes: a stream's key comes back with each of
     * its commits that compaction has not removed yet.
     */
    private CheckpointKey decodeKey(Read read, ConsumerRecord<byte[], byte[]> record) {
        ByteBuffer bytes = record.key() == null ? null : ByteBuffer.wrap(record.key());
        CheckpointKey key = bytes == null ? null : read.decodedKeys.get(bytes);
        if (key == null) {
            try {
                key = CheckpointCodec.decodeKey(record.key());
            } catch (CorruptCheckpointException e) {
                throw corrupt(record, e);
            }
            if (read.decodedKeys.size() < DECODED_KEYS_KEPT) {
                read.decodedKeys.put(bytes, key);
            }
        }
        return key;
    }

    private Map<CheckpointKey, ConsumerRecord<byte[], byte[]>> readAll(Read read, Duration timeout) {
        try (read) {
            readTo(read, timeout);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw timedOut(timeout, e);
        }
        return read.latest;
    }

    private CheckpointStoreException timedOut(Duration timeout, org.apache.kafka.common.errors.TimeoutException e) {
        return new CheckpointStoreException("cannot read offsets topic " + topic + " within " + timeout + ": " + e.getMessage(), e);
    }

    private CheckpointsUnusableException corrupt(ConsumerRecord<byte[], byte[]> record, CorruptCheckpointException e) {
        return new CheckpointsUnusableException("offsets topic " + topic + " partition " + record.partition() + " offset "
                + record.offset() + " holds a record that is not a Tributary checkpoint (" + e.getMessage()
                + "); refusing to start rather than re-read sources from the beginning. Fix or delete that record, or point agent.offsets_topic elsewhere", e);
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
