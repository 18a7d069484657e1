package io.tributary.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic the way a downstream {@code read_committed} consumer sees it: only records of
 * committed transactions, every partition, from the beginning, without a consumer group.
 *
 * <p>Records come back in partition order, then offset order, so tests can compare whole lists.
 */
public final class KafkaReader {

    /** How long {@link #readAll} may take to reach the end of a topic. */
    public static final Duration READ_ALL_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    private static final Comparator<ConsumerRecord<byte[], byte[]>> PARTITION_THEN_OFFSET =
            Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset);

    private KafkaReader() {
    }

    /**
     * Every committed record of {@code topic} up to its current end (the last stable offset of each
     * partition); an empty list when the topic does not exist. Never creates the topic.
     *
     * @throws IllegalStateException when the end is not reached within {@link #READ_ALL_TIMEOUT}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic) {
        return readAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    /**
     * As {@link #readAll(String, String)}, connecting with {@code connection}: {@code bootstrap.servers}
     * and security settings, such as {@link KafkaBroker#clientConfig()}.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> connection, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(connection)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            if (partitions.isEmpty()) {
                return List.of();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions, METADATA_TIMEOUT);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + READ_ALL_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, endOffsets)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading topic \"" + topic + "\" did not reach its end offsets "
                            + endOffsets + " within " + READ_ALL_TIMEOUT.toSeconds() + " s; read "
                            + records.size() + " records");
                }
                consumer.poll(POLL_INTERVAL).forEach(records::add);
            }
            records.sort(PARTITION_THEN_OFFSET);
            return records;
        }
    }

    /**
     * Reads {@code topic} from the beginning until at least {@code count} committed records arrived,
     * waiting for the topic to appear if need be, and returns every record read: possibly more than
     * {@code count}.
     *
     * @throws IllegalStateException when fewer than {@code count} arrived within {@code timeout},
     *                               saying how many did
     */
    public static List<ConsumerRecord<byte[], byte[]>> awaitCount(String bootstrapServers, String topic, int count,
                                                                  Duration timeout) {
        return awaitCount(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, count, timeout);
    }

    /**
     * As {@link #awaitCount(String, String, int, Duration)}, connecting with {@code connection}:
     * {@code bootstrap.servers} and security settings, such as {@link KafkaBroker#clientConfig()}.
     */
    public static List<ConsumerRecord<byte[], byte[]>> awaitCount(Map<String, Object> connection, String topic, int count,
                                                                  Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(connection)) {
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Set<TopicPartition> assigned = new HashSet<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("expected at least " + count + " records in topic \"" + topic
                            + "\" within " + timeout + " but " + records.size() + " arrived");
                }
                List<TopicPartition> partitions = partitions(consumer, topic);
                if (!assigned.containsAll(partitions)) {
                    List<TopicPartition> added = new ArrayList<>(partitions);
                    added.removeAll(assigned);
                    assigned.addAll(partitions);
                    consumer.assign(assigned);
                    consumer.seekToBeginning(added);
                }
                if (assigned.isEmpty()) {
                    pause(POLL_INTERVAL);
                    continue;
                }
                consumer.poll(POLL_INTERVAL).forEach(records::add);
            }
            records.sort(PARTITION_THEN_OFFSET);
            return records;
        }
    }

    /** The records' values as UTF-8 strings, in the same order; {@code null} for a null value. */
    public static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> values = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            values.add(record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    /**
     * The value of the record's last header called {@code name}, as UTF-8; {@code null} when the
     * record has no such header or its value is null.
     */
    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> connection) {
        Properties config = new Properties();
        config.putAll(connection);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Reading must never create the topic it looks for, even on a broker that auto-creates topics.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        List<TopicPartition> partitions = new ArrayList<>(infos.size());
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a topic", e);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> endOffsets) {
        for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (consumer.position(end.getKey(), METADATA_TIMEOUT) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
