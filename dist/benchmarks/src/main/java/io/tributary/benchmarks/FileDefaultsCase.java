package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Case 9: a backlog already in a file shipped by the installed agent at its defaults (headers on,
 * Kafka's producer defaults but for the agent's own batch.size, exactly_once, 100 ms commits), as a
 * user meets it, against rsyslog imfile → omkafka reading the same file from its beginning; the
 * agent with {@code headers: false} shows what the headers cost, and at 1 KiB ProducerPerformance
 * shows what Kafka's own client writes. Cold: records ÷ (last append − process spawn); steady:
 * records ÷ (last append − first append).
 */
final class FileDefaultsCase {
    private static final String DEFAULTS = "Tributary defaults";
    private static final String NO_HEADERS = "Tributary headers: false";
    private static final Duration STALL = Duration.ofSeconds(60);

    private final Session session;
    private final Report report;
    private final Installation installation;

    FileDefaultsCase(Session session, Report report) {
        this.session = session;
        this.report = report;
        this.installation = session.installation();
    }

    void run() {
        installation.describe(report);
        report.describe("Case 9 (file-defaults) measures", "the installed agent (bin/tributary, after one earlier run "
                + "of the installation so that a lib/cds archive is there if the script writes one; new data_dir, agent id "
                + "and checkpoints per run; default offsets topic; http on a free port) with the file source and agent at "
                + "their defaults, and rsyslog imfile → omkafka at theirs (a new state file per run), each reading the "
                + "file from its beginning; cold = records ÷ (last append − spawn), steady = records ÷ (last − first append)");
        installation.prepareRestart(session);
        measure(100, session.scale().defaultsSmallRecords());
        measure(1024, session.scale().defaultsLargeRecords());
    }

    private void measure(int recordBytes, int records) {
        String size = recordBytes == 1024 ? "1 KiB" : recordBytes + " B";
        Path file = session.workDir().resolve("lines-defaults-" + recordBytes + ".log");
        LineFiles.write(file, records, recordBytes);
        Figures cold = new Figures();
        Figures steady = new Figures();
        Figures peakRss = new Figures();
        List<Figures> all = List.of(cold, steady, peakRss);
        FileThroughputCase producerPerformance = new FileThroughputCase(session, report);
        for (int run = 1; run <= session.scale().runs(); run++) {
            String suffix = recordBytes + "-r" + run;
            Figures.measure(DEFAULTS, all, () -> tributary(true, file, records, recordBytes, suffix));
            Figures.measure(NO_HEADERS, all, () -> tributary(false, file, records, recordBytes, suffix));
            Figures.measure(RsyslogFile.NAME, all, () -> rsyslog(file, records, recordBytes, suffix));
            if (recordBytes == 1024) {
                steady.measure(FileThroughputCase.PRODUCER_PERFORMANCE,
                        () -> producerPerformance.producerPerformance(records, recordBytes, "defaults-" + suffix));
            }
        }
        Figures.Format format = figure -> Throughput.format(figure, recordBytes);
        String caseName = "9. file → Kafka, defaults, " + size + ", ";
        report.add(cold.compare(caseName + "cold (spawn → last append) vs rsyslog", DEFAULTS, RsyslogFile.NAME, 1.0,
                format));
        report.add(steady.compare(caseName + "steady (first → last append) vs rsyslog", DEFAULTS, RsyslogFile.NAME,
                1.0, format));
        report.add(steady.compare(caseName + "steady, headers on ÷ headers: false (headers cost ≤ 10 %)", DEFAULTS,
                NO_HEADERS, 0.9, format));
        if (recordBytes == 1024) {
            report.add(steady.compare(caseName + "steady vs ProducerPerformance", DEFAULTS,
                    FileThroughputCase.PRODUCER_PERFORMANCE, 0.9, format));
        }
        report.add(peakRss.show(caseName + "peak RSS (VmHWM) vs rsyslog", DEFAULTS, RsyslogFile.NAME,
                figure -> String.format("%,.0f MiB", figure)));
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /** The installed agent on {@code file}: cold and steady rec/s and peak RSS in MiB. */
    private double[] tributary(boolean headers, Path file, int records, int recordBytes, String suffix) {
        String name = "defaults-" + (headers ? "headers" : "no-headers") + "-" + suffix;
        String topic = "bench-" + name;
        Path dir = session.runDir(name);
        String sources = headers ? Installation.defaultFileSource(topic, file) : FileThroughputCase.fileSource(topic, file);
        Path config = Agent.writeConfig(session, installation.plugins(), dir, "bench-" + name,
                Map.of("http", "127.0.0.1:" + FileThroughputCase.freePort()), Map.of(), sources);
        session.topics().create(topic);
        try {
            MachineCpu cpu = MachineCpu.now();
            long spawned = System.currentTimeMillis();
            try (Child agent = installation.start(name, dir.resolve("output.log"),
                    List.of("run", "--config", config.toString()))) {
                Delivery delivery = session.topics().await(topic, records, STALL);
                String cpuUsed = cpu.usedSince(records, "record");
                long peakKiB = ResidentMemory.of(agent.jvmPid()).peakRssKiB();
                String startedIn = agent.lineContaining(" running ").map(ColdStartCase::startedIn)
                        .orElse("no \"running\" line");
                Installation.stop(agent);
                return noteRun(name, spawned, delivery, records, recordBytes, peakKiB, cpuUsed + "; agent: " + startedIn);
            }
        } finally {
            session.topics().delete(topic);
        }
    }

    private double[] rsyslog(Path file, int records, int recordBytes, String suffix) {
        String name = "rsyslog-imfile-" + suffix;
        String topic = "bench-" + name;
        Path dir = session.runDir(name);
        session.topics().create(topic);
        try {
            MachineCpu cpu = MachineCpu.now();
            long spawned = System.currentTimeMillis();
            try (Child rsyslogd = RsyslogFile.start(session, dir, file, topic)) {
                Delivery delivery;
                try {
                    delivery = session.topics().await(topic, records, STALL);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(e.getMessage() + "; " + rsyslogd.logTail(), e);
                }
                String cpuUsed = cpu.usedSince(records, "record");
                long peakKiB = ResidentMemory.of(rsyslogd.pid()).peakRssKiB();
                return noteRun(name, spawned, delivery, records, recordBytes, peakKiB, cpuUsed);
            }
        } finally {
            session.topics().delete(topic);
        }
    }

    /**
     * Notes a run below the table and returns its cold and steady rates and peak RSS in MiB.
     *
     * @throws IllegalStateException when the topic holds another count than the file's lines
     */
    private double[] noteRun(String name, long spawned, Delivery delivery, int expected, int recordBytes, long peakKiB,
                             String more) {
        if (delivery.records() != expected) {
            throw new IllegalStateException(name + " delivered " + delivery.records() + " records, expected " + expected);
        }
        double coldSeconds = (delivery.lastAppendMillis() - spawned) / 1000.0;
        double cold = delivery.records() / coldSeconds;
        report.run(String.format("%s: cold %s (%.2f s spawn → last append, first append after %.2f s), steady %s; "
                        + "peak RSS %,d MiB%s; load %s",
                name, Throughput.format(cold, recordBytes), coldSeconds, (delivery.firstAppendMillis() - spawned) / 1000.0,
                Throughput.format(delivery.recordsPerSecond(), recordBytes), peakKiB / 1024,
                more.isEmpty() ? "" : "; " + more, Machine.loadAverage()));
        return new double[] {cold, delivery.recordsPerSecond(), peakKiB / 1024.0};
    }
}
