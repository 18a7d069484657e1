package io.tributary.benchmarks;

import io.tributary.testkit.KafkaBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Case 6: the agent's resident memory while the broker is stopped and ten file sources keep being
 * written to, and whether every line arrives once after the broker is back.
 */
final class MemoryCase {
    private static final String CASE_NAME = "6. memory, broker stopped, 10 file sources being written";
    private static final String DELIVERY_CASE_NAME = "6. every line once after the outage";
    private static final String DELIVERY_TARGET = "every line exactly once";
    private static final int FILES = 10;
    private static final int LINE_BYTES = 400;
    /* 10 files × 50 lines per 50 ms × 400 B = 4 MB/s: the agent's 16 MiB in-flight bound fills in ~4 s. */
    private static final int LINES_PER_TICK = 50;
    private static final Duration TICK = Duration.ofMillis(50);
    private static final Duration BEFORE_OUTAGE = Duration.ofSeconds(10);
    private static final Duration AFTER_OUTAGE = Duration.ofSeconds(5);
    private static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration STALL = Duration.ofSeconds(120);
    /* The agent's kafka.producer settings: Kafka's defaults, buffer.memory among them. */
    private static final Map<String, String> PRODUCER_SETTINGS = Map.of();
    private static final long ALLOWANCE_MIB = 128;
    /* An outage's second half may hold at most this much more than its first and still count as flat. */
    private static final double FLAT_TOLERANCE = 1.10;

    private final Session session;
    private final KafkaBroker broker;
    private final Report report;

    MemoryCase(Session session, KafkaBroker broker, Report report) {
        this.session = session;
        this.broker = broker;
        this.report = report;
    }

    void run() {
        String name = "memory";
        String topic = "bench-" + name;
        Path dir = session.runDir(name);
        StringBuilder sources = new StringBuilder("sources:\n");
        List<OutputStream> files = new ArrayList<>();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        long[] written = new long[FILES];
        boolean brokerStopped = false;
        session.topics().create(topic);
        try {
            for (int index = 0; index < FILES; index++) {
                Path file = dir.resolve("app-" + index + ".log");
                files.add(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.APPEND));
                sources.append("""
                          app-%d:
                            type: file
                            topic: %s
                            include: ["%s"]
                            headers: false
                        """.formatted(index, topic, file));
            }
            try (Agent agent = Agent.start(session, dir, "bench-" + name, Map.of(), PRODUCER_SETTINGS,
                    sources.toString(), session.profile(name))) {
                writer.scheduleAtFixedRate(() -> appendLines(files, written), 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
                Topics.sleep(BEFORE_OUTAGE);
                broker.stop();
                brokerStopped = true;
                List<Long> samples = sampleRss(agent.pid(), session.scale().outage());
                long peakKiB = ResidentMemory.of(agent.pid()).peakRssKiB();
                broker.restart();
                brokerStopped = false;
                Topics.sleep(AFTER_OUTAGE);
                writer.shutdown();
                if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the file writers did not stop");
                }
                long total = 0;
                for (long count : written) {
                    total += count;
                }
                Delivery delivery = session.topics().await(topic, total, STALL);
                agent.stop();
                reportMemory(samples, peakKiB);
                reportDelivery(topic, written, total, delivery);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the memory case's files in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            writer.shutdownNow();
            for (OutputStream file : files) {
                close(file);
            }
            if (brokerStopped) {
                broker.restart();
            }
            session.topics().delete(topic);
        }
    }

    private void reportMemory(List<Long> samples, long peakKiB) {
        double bufferMemoryMiB = Agent.bufferMemoryBytes(PRODUCER_SETTINGS) / (double) (1 << 20);
        double limitMiB = bufferMemoryMiB + ALLOWANCE_MIB;
        int half = samples.size() / 2;
        long firstHalfMax = samples.subList(0, half).stream().mapToLong(Long::longValue).max().orElse(0);
        long secondHalfMax = samples.subList(half, samples.size()).stream().mapToLong(Long::longValue).max().orElse(0);
        boolean flat = secondHalfMax <= firstHalfMax * FLAT_TOLERANCE;
        double peakMiB = peakKiB / 1024.0;
        long outageSeconds = session.scale().outage().toSeconds();
        report.run(String.format("memory: VmRSS every second of the %d s outage (MiB): %s; VmHWM %.0f MiB",
                outageSeconds, samples.stream().map(kib -> Long.toString(kib / 1024)).toList(), peakMiB));
        report.add(new Row(CASE_NAME + " " + outageSeconds + " s",
                String.format("peak (VmHWM) %.0f MiB; max VmRSS first half %d MiB, second half %d MiB (%s)",
                        peakMiB, firstHalfMax / 1024, secondHalfMax / 1024, flat ? "flat" : "growing"),
                String.format("buffer.memory %.0f MiB%s + %d MiB = %.0f MiB", bufferMemoryMiB,
                        PRODUCER_SETTINGS.containsKey(ProducerConfig.BUFFER_MEMORY_CONFIG) ? "" : " (Kafka's default)",
                        ALLOWANCE_MIB, limitMiB),
                String.format("%.2f×", peakMiB / limitMiB),
                "≤ 1.00× and flat (second half ≤ first half + 10 %)",
                peakMiB <= limitMiB && flat ? "yes" : "**no**"));
    }

    /**
     * Reads the topic back and adds the row saying whether every line arrived once; a topic that
     * stops yielding records before its end fails the row instead of hanging.
     */
    private void reportDelivery(String topic, long[] written, long total, Delivery delivery) {
        BitSet[] seen = new BitSet[FILES];
        for (int index = 0; index < FILES; index++) {
            seen[index] = new BitSet((int) written[index]);
        }
        long repeated = 0;
        long records = 0;
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = session.topics().consumer()) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            Topics.Progress progress = new Topics.Progress("reading back topic " + topic, end,
                    "offsets (its last stable offset)", STALL);
            for (long position = consumer.position(partition); position < end; position = consumer.position(partition)) {
                progress.check(position);
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String[] fields = new String(record.value(), 0, 24, StandardCharsets.US_ASCII).split(" ");
                    int index = Integer.parseInt(fields[0]);
                    int number = Integer.parseInt(fields[1]);
                    if (seen[index].get(number)) {
                        repeated++;
                    }
                    seen[index].set(number);
                    records++;
                }
            }
        } catch (IllegalStateException | KafkaException e) {
            report.add(Row.failed(DELIVERY_CASE_NAME, DELIVERY_TARGET, Figures.firstLine(e)));
            return;
        }
        long missing = 0;
        for (int index = 0; index < FILES; index++) {
            missing += written[index] - seen[index].cardinality();
        }
        report.add(new Row(DELIVERY_CASE_NAME,
                String.format("%,d records for %,d lines written: %d missing, %d repeated", records, total, missing,
                        repeated),
                "–", "–", DELIVERY_TARGET,
                missing == 0 && repeated == 0 && records == total ? "yes" : "**no**"));
        report.run(String.format("memory delivery: %,d records, %.2f s between first and last append",
                delivery.records(), (delivery.lastAppendMillis() - delivery.firstAppendMillis()) / 1000.0));
    }

    /** VmRSS in KiB every second for {@code duration}. */
    private static List<Long> sampleRss(long pid, Duration duration) {
        List<Long> samples = new ArrayList<>();
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            samples.add(ResidentMemory.of(pid).rssKiB());
            Topics.sleep(SAMPLE_INTERVAL);
        }
        return samples;
    }

    /** Appends {@link #LINES_PER_TICK} lines to every file: "FILE NUMBER letters...". */
    private static void appendLines(List<OutputStream> files, long[] written) {
        byte[] line = new byte[LINE_BYTES + 1];
        line[LINE_BYTES] = '\n';
        for (int index = 0; index < files.size(); index++) {
            byte[] block = new byte[LINES_PER_TICK * line.length];
            for (int i = 0; i < LINES_PER_TICK; i++) {
                LineFiles.fill(line, LINE_BYTES, written[index]);
                byte[] prefix = (index + " " + written[index] + " ").getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(prefix, 0, line, 0, prefix.length);
                System.arraycopy(line, 0, block, i * line.length, line.length);
                written[index]++;
            }
            try {
                files.get(index).write(block);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to file " + index, e);
            }
        }
    }

    private static void close(OutputStream file) {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close a file of the memory case", e);
        }
    }
}
