package io.tributary.benchmarks;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Case 7: the cost of per-source transforms. A file of 1 KiB JSON lines, every tenth at level
 * debug, by the file source with no transforms, and with {@code parse_json}, {@code add_fields}
 * (the host name) and a {@code filter} dropping the debug lines. Throughput is lines read per
 * second in both, so the run that writes a tenth less is not flattered by it.
 */
final class TransformsCase {
    static final String PLAIN = "Tributary, no transforms";
    static final String TRANSFORMED = "Tributary, parse_json + add_fields + filter";
    private static final int LINE_BYTES = 1024;
    private static final Duration STALL = Duration.ofSeconds(60);

    private final Session session;
    private final Report report;

    TransformsCase(Session session, Report report) {
        this.session = session;
        this.report = report;
    }

    void run() {
        int lines = session.scale().largeRecords();
        Path file = session.workDir().resolve("json-lines.log");
        writeJsonLines(file, lines);
        Figures figures = new Figures();
        for (int run = 1; run <= session.scale().runs(); run++) {
            String suffix = "r" + run;
            figures.measure(PLAIN, () -> tributary("transforms-none-" + suffix, file, lines, ""));
            figures.measure(TRANSFORMED, () -> tributary("transforms-" + suffix, file, lines, """
                        transforms:
                          - type: parse_json
                          - type: add_fields
                            host_field: host
                          - type: filter
                            field: level
                            pattern: ^debug$
                            action: drop
                    """));
        }
        report.add(figures.compare("7. file → Kafka, 1 KiB JSON lines, parse + add a field + drop 1 in 10 vs no transforms",
                TRANSFORMED, PLAIN, 0.8, figure -> Throughput.format(figure, LINE_BYTES)));
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    private double tributary(String name, Path file, int lines, String transforms) {
        String topic = "bench-" + name;
        session.topics().create(topic);
        String sources = FileThroughputCase.fileSource(topic, file) + transforms;
        int expected = transforms.isEmpty() ? lines : lines - (lines + 9) / 10;
        try (Agent agent = Agent.start(session, session.runDir(name), "bench-" + name, Map.of("commit_interval", "100ms"),
                sources, session.profile(name))) {
            Delivery delivered = session.topics().await(topic, expected, STALL);
            agent.stop();
            if (delivered.records() != expected) {
                throw new IllegalStateException(name + " delivered " + delivered.records() + " records, expected " + expected);
            }
            double linesPerSecond = delivered.recordsPerSecond() * lines / expected;
            report.run(String.format("%s: %s read, %d records written in %.2f s between first and last append; load %s",
                    name, Throughput.format(linesPerSecond, LINE_BYTES), delivered.records(),
                    (delivered.lastAppendMillis() - delivered.firstAppendMillis()) / 1000.0, Machine.loadAverage()));
            return linesPerSecond;
        } finally {
            session.topics().delete(topic);
        }
    }

    /** Lines of exactly 1 KiB: {@code {"n":…,"level":"debug"|"info","msg":"…"}}, level debug when n % 10 == 0. */
    static void writeJsonLines(Path file, int count) {
        byte[] filler = new byte[LINE_BYTES];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (int n = 0; n < count; n++) {
                String head = "{\"n\":" + n + ",\"level\":\"" + (n % 10 == 0 ? "debug" : "info") + "\",\"msg\":\"";
                byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
                int messageBytes = LINE_BYTES - headBytes.length - 2;
                LineFiles.fill(filler, messageBytes, n);
                out.write(headBytes);
                out.write(filler, 0, messageBytes);
                out.write("\"}\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
