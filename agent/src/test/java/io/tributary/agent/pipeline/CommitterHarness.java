package io.tributary.agent.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.agent.checkpoint.CheckpointCodec;
import io.tributary.agent.config.OnError;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A {@link Committer} on its own thread over scripted producers, a scripted topic checker and a
 * ticker whose sleeps pass at once, with sources that hand over records as their threads would.
 */
final class CommitterHarness implements AutoCloseable {
    static final String OFFSETS_TOPIC = "_tributary_offsets";
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(60);

    /** System time plus what sleeps and {@link #advance} added: backoffs take no real time. */
    static final class FastTicker implements Ticker {
        private volatile long offsetNanos;

        @Override
        public long nanoTime() {
            return System.nanoTime() + offsetNanos;
        }

        @Override
        public synchronized void sleep(Duration duration) {
            offsetNanos += duration.toNanos();
        }

        synchronized void advance(Duration duration) {
            offsetNanos += duration.toNanos();
        }
    }

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final FastTicker ticker = new FastTicker();
    final ProducerHealth health = new ProducerHealth();
    final InFlightBuffer buffer = new InFlightBuffer(16 * 1024 * 1024);
    final Map<String, TopicGate.TopicStatus> topicStatus = new ConcurrentHashMap<>();
    final Deque<Supplier<Producer<byte[], byte[]>>> nextProducers = new java.util.concurrent.ConcurrentLinkedDeque<>();
    final List<ScriptedProducer> producers = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> fatal = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Map<String, Long> topicLimits = new ConcurrentHashMap<>();
    /** What reading the checkpoints back after re-initialising finds that this agent did not write. */
    volatile String foreignCommits;
    private final Committer committer;
    private final Thread thread;

    CommitterHarness(boolean exactlyOnce, ScriptedProducer first) {
        producers.add(first);
        ProducerSupervisor supervisor = new ProducerSupervisor(first, this::nextProducer, TRANSACTION_TIMEOUT, ticker, health, () -> false,
                () -> foreignCommits, registry);
        UnwritableRecords unwritable = new UnwritableRecords(OFFSETS_TOPIC, 1024 * 1024, false, new UnwritableRecords.Limits() {
            @Override
            public OptionalLong knownLimit(String topic) {
                Long limit = topicLimits.get(topic);
                return limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
            }

            @Override
            public OptionalLong refreshLimit(String topic) {
                return knownLimit(topic);
            }
        });
        TopicGate gate = new TopicGate(topic -> CompletableFuture.completedFuture(topicStatus.getOrDefault(topic, TopicGate.TopicStatus.WRITABLE)),
                ticker, buffer::wakeUp);
        committer = new Committer(exactlyOnce ? DeliveryMode.exactlyOnce() : DeliveryMode.atLeastOnce(), buffer, supervisor, gate, unwritable,
                new DeadLetters(1024 * 1024), Duration.ofMillis(20), "agent-1", OFFSETS_TOPIC,
                (message, cause) -> fatal.add(message), health, ticker, registry);
        thread = new Thread(committer, "test-commit");
        thread.start();
    }

    private Producer<byte[], byte[]> nextProducer() {
        Supplier<Producer<byte[], byte[]>> next = nextProducers.poll();
        Producer<byte[], byte[]> producer = next == null ? new ScriptedProducer() : next.get();
        if (producer instanceof ScriptedProducer scripted) {
            producers.add(scripted);
        }
        return producer;
    }

    ScriptedProducer producer() {
        return producers.get(producers.size() - 1);
    }

    SourceHandle source(String name, OnError onError) {
        return new SourceHandle(name, "test", onError, "dead-letters", Map.of(), registry);
    }

    /** Hands records over as a source's thread does. */
    void offer(SourceHandle source, SourceRecord... records) throws InterruptedException {
        Batch batch = Batch.of(source, List.of(records), System.nanoTime());
        source.accepted(batch);
        buffer.put(batch);
    }

    static SourceRecord record(String topic, String value, long offset) {
        return SourceRecord.builder(topic).value(value.getBytes(StandardCharsets.UTF_8)).checkpoint("s", Position.of("offset", offset)).build();
    }

    /** The values committed to {@code topic}, across every producer, in order. */
    List<String> committedValues(String topic) {
        List<String> values = new ArrayList<>();
        for (ScriptedProducer producer : List.copyOf(producers)) {
            for (ProducerRecord<byte[], byte[]> record : producer.committedRecords()) {
                if (record.topic().equals(topic)) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    /** The checkpoint positions committed to the offsets topic, in order. */
    List<Position> committedCheckpoints() {
        List<Position> positions = new ArrayList<>();
        for (ScriptedProducer producer : List.copyOf(producers)) {
            for (ProducerRecord<byte[], byte[]> record : producer.committedRecords()) {
                if (record.topic().equals(OFFSETS_TOPIC)) {
                    positions.add(CheckpointCodec.decodeValue(record.value()));
                }
            }
        }
        return positions;
    }

    boolean isFinished() {
        return committer.isFinished();
    }

    void abandon() {
        committer.abandon();
    }

    @Override
    public void close() throws InterruptedException {
        committer.finish();
        thread.join(10_000);
        if (thread.isAlive()) {
            committer.abandon();
            thread.interrupt();
            thread.join(5_000);
        }
    }
}
