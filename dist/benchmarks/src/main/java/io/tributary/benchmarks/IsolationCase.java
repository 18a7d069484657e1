package io.tributary.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Issue 13's isolation target: a healthy file source's throughput while a second source beside it
 * cannot write any of its records, against the healthy source alone, in one run on one broker.
 * The broken neighbour reads a file as large as the healthy one's, as fast as it can, with
 * {@code on_error: skip}: once with every line too large for its topic ({@code max.message.bytes}
 * 512 for lines of 1 KiB), once with a topic name Kafka can never take.
 */
final class IsolationCase {
    static final String ALONE = "healthy source alone";
    static final String BESIDE_TOO_LARGE = "beside a source whose every record is too large";
    static final String BESIDE_INVALID_TOPIC = "beside a source whose topic name is invalid";

    private static final int LINE_BYTES = 1024;
    private static final Duration STALL = Duration.ofSeconds(60);
    /* Longer than Kafka's 249-character limit on topic names. */
    private static final String INVALID_TOPIC = "invalid-" + "x".repeat(250);

    private final Session session;
    private final Report report;

    IsolationCase(Session session, Report report) {
        this.session = session;
        this.report = report;
    }

    void run() {
        int records = session.scale().largeRecords();
        Path healthy = session.workDir().resolve("isolation-healthy.log");
        Path neighbour = session.workDir().resolve("isolation-neighbour.log");
        LineFiles.write(healthy, records, LINE_BYTES);
        LineFiles.write(neighbour, records, LINE_BYTES);
        Figures figures = new Figures();
        for (int run = 1; run <= session.scale().runs(); run++) {
            String suffix = "r" + run;
            figures.measure(ALONE, () -> measure("alone-" + suffix, healthy, null, records));
            figures.measure(BESIDE_TOO_LARGE, () -> measure("too-large-" + suffix, healthy, neighbour, records));
            figures.measure(BESIDE_INVALID_TOPIC, () -> measure("invalid-topic-" + suffix, healthy, neighbour, records));
        }
        Figures.Format format = figure -> Throughput.format(figure, LINE_BYTES);
        report.add(figures.compare("13. healthy source beside one that cannot write (every record too large)",
                BESIDE_TOO_LARGE, ALONE, 0.9, format));
        report.add(figures.compare("13. healthy source beside one that cannot write (invalid topic)",
                BESIDE_INVALID_TOPIC, ALONE, 0.9, format));
    }

    /** The healthy source's records a second, with the neighbour (null: none) beside it. */
    private double measure(String name, Path healthy, Path neighbour, int records) {
        String topic = "bench-isolation-" + name;
        String neighbourTopic = neighbour == null ? null
                : name.startsWith("invalid-topic") ? INVALID_TOPIC : "bench-isolation-small-" + name;
        session.topics().create(topic);
        if (neighbourTopic != null && !neighbourTopic.equals(INVALID_TOPIC)) {
            session.topics().create(neighbourTopic, Map.of("max.message.bytes", "512"));
        }
        StringBuilder sources = new StringBuilder("""
                sources:
                  healthy:
                    type: file
                    topic: %s
                    include: ["%s"]
                    read_from: beginning
                """.formatted(topic, healthy));
        if (neighbour != null) {
            sources.append("""
                      broken:
                        type: file
                        topic: %s
                        include: ["%s"]
                        read_from: beginning
                        on_error: skip
                    """.formatted(neighbourTopic, neighbour));
        }
        try (Agent agent = Agent.start(session, session.runDir("isolation-" + name), "bench-isolation-" + name,
                Map.of("commit_interval", "100ms"), sources.toString(), session.profile("isolation-" + name))) {
            Delivery delivered = session.topics().await(topic, records, STALL);
            agent.stop();
            if (delivered.records() != records) {
                throw new IllegalStateException(name + " delivered " + delivered.records() + " records, expected " + records);
            }
            report.run(String.format("isolation-%s: %s, %d records in %.2f s between first and last append; load %s", name,
                    Throughput.format(delivered.recordsPerSecond(), LINE_BYTES), delivered.records(),
                    (delivered.lastAppendMillis() - delivered.firstAppendMillis()) / 1000.0, Machine.loadAverage()));
            return delivered.recordsPerSecond();
        } finally {
            session.topics().delete(topic);
            if (neighbourTopic != null && !neighbourTopic.equals(INVALID_TOPIC)) {
                session.topics().delete(neighbourTopic);
            }
        }
    }
}
