package io.tributary.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Case 5: how long a line appended to an idle file takes to become visible to a
 * {@code read_committed} consumer. The writer and the consumer share this JVM's clock: each line
 * carries the {@link System#nanoTime()} it was appended at.
 */
final class LatencyCase {
    private static final String CASE_NAME = "5. latency, line appended → visible read_committed";
    private static final long COMMIT_INTERVAL_MILLIS = 100;
    private static final long LIMIT_MILLIS = COMMIT_INTERVAL_MILLIS + 50;
    private static final Duration APPEND_INTERVAL = Duration.ofMillis(20);
    private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(30);

    private final Session session;
    private final Report report;

    LatencyCase(Session session, Report report) {
        this.session = session;
        this.report = report;
    }

    void run() {
        String target = "p99 ≤ " + LIMIT_MILLIS + " ms";
        List<Double> p50s = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        try {
            for (int run = 1; run <= session.scale().runs(); run++) {
                long[] latencies = measure("latency-r" + run);
                long p50 = Stats.percentile(latencies, 50);
                long p99 = Stats.percentile(latencies, 99);
                report.run(String.format("latency-r%d: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d lines; load %s",
                        run, p50 / 1e6, p99 / 1e6, Stats.percentile(latencies, 100) / 1e6, latencies.length,
                        Machine.loadAverage()));
                p50s.add(p50 / 1e6);
                p99s.add(p99 / 1e6);
            }
        } catch (RuntimeException e) {
            report.add(Row.failed(CASE_NAME, target, Figures.firstLine(e)));
            return;
        }
        double p99 = Stats.median(p99s);
        report.add(Row.measured(CASE_NAME,
                String.format("p50 %.1f ms, p99 %.1f ms", Stats.median(p50s), p99),
                "commit_interval " + COMMIT_INTERVAL_MILLIS + " ms + 50 ms = " + LIMIT_MILLIS + " ms",
                p99 / LIMIT_MILLIS, target, p99 <= LIMIT_MILLIS));
    }

    /** The latencies in nanoseconds of the measured lines, after the warm-up lines. */
    private long[] measure(String name) {
        int warmup = session.scale().latencyWarmupLines();
        int total = warmup + session.scale().latencyLines();
        String topic = "bench-" + name;
        Path dir = session.runDir(name);
        Path file = dir.resolve("idle.log");
        try {
            Files.createFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
        session.topics().create(topic);
        String sources = """
                sources:
                  idle:
                    type: file
                    topic: %s
                    include: ["%s"]
                    headers: false
                """.formatted(topic, file);
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (Agent agent = Agent.start(session, dir, "bench-" + name,
                Map.of("commit_interval", COMMIT_INTERVAL_MILLIS + "ms"), sources, session.profile(name));
             KafkaConsumer<byte[], byte[]> consumer = session.topics().consumer();
             OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            consumer.poll(Duration.ZERO);
            int[] appended = {0};
            writer.scheduleAtFixedRate(() -> {
                if (appended[0] < total) {
                    append(out, appended[0]++);
                }
            }, 0, APPEND_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            long[] latencies = new long[total - warmup];
            int received = 0;
            long deadline = System.nanoTime() + total * APPEND_INTERVAL.toNanos() + ARRIVAL_TIMEOUT.toNanos();
            while (received < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": " + received + " of " + total + " lines arrived");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(5))) {
                    long arrived = System.nanoTime();
                    String[] fields = new String(record.value(), StandardCharsets.US_ASCII).split(" ");
                    int number = Integer.parseInt(fields[0]);
                    if (number != received) {
                        throw new IllegalStateException(name + ": line " + number + " arrived where line " + received
                                + " was expected");
                    }
                    if (number >= warmup) {
                        latencies[number - warmup] = arrived - Long.parseLong(fields[1]);
                    }
                    received++;
                }
            }
            writer.shutdownNow();
            agent.stop();
            return latencies;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        } finally {
            writer.shutdownNow();
            session.topics().delete(topic);
        }
    }

    /** Appends "NUMBER NANOTIME" and a newline in one write, so the source never sees half a line. */
    private static void append(OutputStream out, int number) {
        try {
            out.write((number + " " + System.nanoTime() + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append line " + number, e);
        }
    }
}
