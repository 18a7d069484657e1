package io.tributary.benchmarks;

import io.tributary.testkit.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmark topics: one partition each, stamped by the broker ({@code LogAppendTime}), created
 * for one run and deleted after it so that a full session does not fill the disk.
 */
final class Topics {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROGRESS_CHECK = Duration.ofMillis(250);
    private static final Duration FILES_DELETED_TIMEOUT = Duration.ofSeconds(60);
    /** The broker removes a deleted topic's files 1 s after the deletion, not after Kafka's default of 60 s. */
    static final Map<String, String> BROKER_SETTINGS = Map.of("log.segment.delete.delay.ms", "1000");

    private final KafkaBroker broker;

    Topics(KafkaBroker broker) {
        this.broker = broker;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    void create(String topic) {
        create(topic, Map.of());
    }

    /** Creates the topic with these configs besides LogAppendTime, which the figures are read from. */
    void create(String topic, Map<String, String> configs) {
        Map<String, String> all = new java.util.HashMap<>(configs);
        all.put("message.timestamp.type", "LogAppendTime");
        broker.createTopic(topic, 1, all);
    }

    /**
     * Deletes {@code topic} and waits until the broker removed its files too. The broker removes
     * them {@link #BROKER_SETTINGS log.segment.delete.delay.ms} after the deletion, in the background:
     * without the wait, removing a run's gigabyte of log would cost the broker CPU while the next
     * contender is measured.
     */
    void delete(String topic) {
        try {
            broker.admin().deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot delete topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting topic " + topic, e);
        }
        long deadline = System.nanoTime() + FILES_DELETED_TIMEOUT.toNanos();
        while (!partitionDirectories(broker.logDir(), topic).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker did not remove the files of deleted topic " + topic
                        + " within " + FILES_DELETED_TIMEOUT.toSeconds() + " s: " + partitionDirectories(broker.logDir(), topic));
            }
            sleep(PROGRESS_CHECK);
        }
    }

    /**
     * The directories of {@code topic}'s partitions in {@code logDir}: {@code <topic>-<partition>},
     * and {@code <topic>-<partition>.<id>-delete} once the topic is deleted and until its files are.
     */
    static List<String> partitionDirectories(Path logDir, String topic) {
        Pattern partition = Pattern.compile(Pattern.quote(topic) + "-\\d+(\\.[0-9a-f]+-delete)?");
        try (Stream<Path> entries = Files.list(logDir)) {
            return entries.map(entry -> entry.getFileName().toString())
                    .filter(name -> partition.matcher(name).matches())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the broker's log directory " + logDir, e);
        }
    }

    /**
     * Waits until {@code topic} holds {@code expected} committed records, and reads them all once to
     * count them exactly and find their first and last append times.
     *
     * <p>While waiting it asks only for the last stable offset, which costs the contender nothing;
     * transaction markers take offsets too, so reaching {@code expected} there is where counting
     * starts, not where it ends.
     *
     * @param stall how long the topic may not grow before this gives up
     * @throws IllegalStateException when the topic stops growing short of {@code expected}, saying
     *                               how far it got
     */
    Delivery await(String topic, long expected, Duration stall) {
        return await(topic, 0, expected, stall);
    }

    /** Like {@link #await(String, long, Duration)}, for the records from {@code fromOffset} on. */
    Delivery await(String topic, long fromOffset, long expected, Duration stall) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, fromOffset);
            Progress progress = new Progress("topic " + topic, expected, "records", stall);
            while (endOffset(consumer, partition) - fromOffset < expected) {
                progress.check(endOffset(consumer, partition));
                sleep(PROGRESS_CHECK);
            }
            Progress counting = new Progress("topic " + topic, expected, "records", stall);
            long count = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            while (count < expected || consumer.position(partition) < endOffset(consumer, partition)) {
                List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(POLL).records(partition);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    first = Math.min(first, record.timestamp());
                    last = Math.max(last, record.timestamp());
                }
                count += records.size();
                counting.check(count);
            }
            return new Delivery(count, first, last, consumer.position(partition));
        }
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static long endOffset(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition) {
        return consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Fails when a count has not grown for the stall period, saying how far it got. */
    static final class Progress {
        private final String what;
        private final long expected;
        private final String unit;
        private final Duration stall;
        private long highest = -1;
        private long grewAt = System.nanoTime();

        /**
         * @param what what is counted, e.g. "topic orders", the start of the failure's message
         * @param unit what the count counts, e.g. "records"
         */
        Progress(String what, long expected, String unit, Duration stall) {
            this.what = what;
            this.expected = expected;
            this.unit = unit;
            this.stall = stall;
        }

        /**
         * @throws IllegalStateException when {@code current} is no higher than the highest count
         *                               seen a stall period ago
         */
        void check(long current) {
            if (current > highest) {
                highest = current;
                grewAt = System.nanoTime();
            } else if (System.nanoTime() - grewAt > stall.toNanos()) {
                throw new IllegalStateException(what + " stopped at " + highest + " of " + expected + " " + unit
                        + " for " + stall.toSeconds() + " s");
            }
        }
    }
}
