package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Case 8: what a user meets when the agent starts, the installed agent run by its bin/tributary.
 * Each run (a) starts a fresh install (lib/cds as packaged, a new data_dir and offsets topic) on a
 * file of one line and stops it with SIGTERM, then (b) appends a line and starts it again, with the
 * checkpoint (a) committed and whatever archive (a) left: each timed from the process's spawn to
 * the broker's append of that line's record, as a read_committed consumer sees it; (b) is the first start
 * after the install wrote its class-data sharing archive, which bin/tributary checks once before it
 * comes into place, so (c) appends another line and starts it once more, as every later restart runs. Then
 * {@code bin/tributary validate} on the same config, timed from spawn to exit. rsyslog does the
 * same with imfile → omkafka, and a bare {@code java -version} shows what any JVM's start costs.
 */
final class ColdStartCase {
    private static final String TRIBUTARY = "Tributary bin/tributary";
    private static final String JAVA_VERSION = "java -version";
    private static final double START_TARGET_MILLIS = 1000;
    private static final double VALIDATE_TARGET_MILLIS = 500;
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final Duration VALIDATE_TIMEOUT = Duration.ofSeconds(60);
    private static final int LINE_BYTES = 100;
    /* The end of the agent's "running" line: "; started in 840 ms (config 120 ms, ...)". */
    private static final Pattern STARTED_IN = Pattern.compile("started in \\d+ ms.*$");

    private final Session session;
    private final Report report;
    private final Installation installation;

    ColdStartCase(Session session, Report report) {
        this.session = session;
        this.report = report;
        this.installation = session.installation();
    }

    void run() {
        installation.describe(report);
        report.describe("Case 8 (cold start) measures", "from the process's spawn to the broker's append (LogAppendTime) "
                + "of one line's record, read_committed: (a) a fresh install (lib/cds as packaged, new data_dir, agent id "
                + "and offsets topic, which the agent creates) on a file of one line, stopped with SIGTERM, then (b) a "
                + "restart after one line was appended, with (a)'s checkpoint and whatever lib/cds archive (a) left, "
                + "then (c) a later restart the same way, with the archive (b) checked and put in place; "
                + "agent and file source at their defaults (headers on, http on a free port); rsyslog the same with "
                + "imfile → omkafka and its state file; validate from spawn to exit; medians of "
                + session.scale().coldStartRuns() + " runs");
        Figures fresh = new Figures();
        Figures restart = new Figures();
        Figures laterRestart = new Figures();
        Figures validate = new Figures();
        for (int run = 1; run <= session.scale().coldStartRuns(); run++) {
            String suffix = "r" + run;
            Figures.measure(JAVA_VERSION, List.of(fresh, restart, laterRestart, validate), () -> {
                double millis = javaVersion(suffix);
                return new double[] {millis, millis, millis, millis};
            });
            Figures.measure(TRIBUTARY, List.of(fresh, restart, laterRestart, validate), () -> tributary(suffix));
            Figures.measure(RsyslogFile.NAME, List.of(fresh, restart, laterRestart), () -> rsyslog(suffix));
        }
        Figures.Format millis = figure -> String.format("%,.0f ms", figure);
        report.add(fresh.atMost("8a. cold start, fresh install: spawn → first record committed", TRIBUTARY,
                List.of(RsyslogFile.NAME, JAVA_VERSION), START_TARGET_MILLIS, millis));
        report.add(restart.atMost("8b. restart with committed checkpoints: spawn → new line's record committed",
                TRIBUTARY, List.of(RsyslogFile.NAME, JAVA_VERSION), START_TARGET_MILLIS, millis));
        report.add(laterRestart.atMost("8b. a later restart, the archive in place: spawn → new line's record committed",
                TRIBUTARY, List.of(RsyslogFile.NAME, JAVA_VERSION), START_TARGET_MILLIS, millis));
        report.add(validate.atMost("8c. bin/tributary validate, spawn → exit", TRIBUTARY, List.of(JAVA_VERSION),
                VALIDATE_TARGET_MILLIS, millis));
    }

    /** (a), (b), (c) and validate of one run, in milliseconds. */
    private double[] tributary(String suffix) {
        String name = "cold-start-" + suffix;
        String topic = "bench-" + name;
        String offsetsTopic = "_tributary_offsets_bench_" + name.replace('-', '_');
        Path dir = session.runDir(name);
        Path file = dir.resolve("app.log");
        LineFiles.write(file, 1, LINE_BYTES);
        installation.removeArchive();
        session.topics().create(topic);
        Path config = Agent.writeConfig(session, installation.plugins(), dir, "bench-" + name,
                Map.of("offsets_topic", offsetsTopic, "http", "127.0.0.1:" + FileThroughputCase.freePort()), Map.of(),
                Installation.defaultFileSource(topic, file));
        try {
            Start first = start(name + "-fresh", dir, config, topic, 0);
            appendLine(file, 1);
            Start second = start(name + "-restart", dir, config, topic, first.endOffset());
            appendLine(file, 2);
            Start third = start(name + "-later-restart", dir, config, topic, second.endOffset());
            long validateMillis = validate(name, dir, config);
            report.run(String.format("%s: fresh install %,d ms (%s), restart %,d ms (%s), later restart %,d ms (%s), "
                    + "validate %,d ms; load %s", name, first.millis(), first.notes(), second.millis(), second.notes(),
                    third.millis(), third.notes(), validateMillis, Machine.loadAverage()));
            return new double[] {first.millis(), second.millis(), third.millis(), validateMillis};
        } finally {
            session.topics().delete(topic);
            session.topics().delete(offsetsTopic);
        }
    }

    /** Starts the agent, waits for the record after {@code fromOffset}, and stops it with SIGTERM. */
    private Start start(String name, Path dir, Path config, String topic, long fromOffset) {
        boolean archived = installation.hasArchive();
        long spawned = System.currentTimeMillis();
        try (Child agent = installation.start(name, dir.resolve(name + ".log"), List.of("run", "--config", config.toString()))) {
            Delivery delivery = awaitOne(topic, fromOffset);
            long peakKiB = ResidentMemory.of(agent.jvmPid()).peakRssKiB();
            String startedIn = agent.lineContaining(" running ").map(ColdStartCase::startedIn)
                    .orElse("no \"running\" line");
            Installation.stop(agent);
            String notes = String.format("lib/cds archive %s at start, %s after the stop; peak RSS %,d MiB; agent: %s",
                    archived ? "present" : "absent", installation.hasArchive() ? "present" : "absent", peakKiB / 1024,
                    startedIn);
            return new Start(delivery.lastAppendMillis() - spawned, delivery.endOffset(), notes);
        }
    }

    /** The "started in N ms (breakdown)" the agent's running line ends with, verbatim, or that it has none. */
    static String startedIn(String runningLine) {
        Matcher matcher = STARTED_IN.matcher(runningLine);
        return matcher.find() ? matcher.group() : "no start-up time in its \"running\" line";
    }

    private long validate(String name, Path dir, Path config) {
        long started = System.nanoTime();
        try (Child validate = installation.start(name + " validate", dir.resolve("validate.log"),
                List.of("validate", "--config", config.toString()))) {
            validate.awaitSuccess(VALIDATE_TIMEOUT);
            return Duration.ofNanos(System.nanoTime() - started).toMillis();
        }
    }

    /** rsyslog's (a), (b) and (c), in milliseconds: its state file kept between them. */
    private double[] rsyslog(String suffix) {
        String name = "rsyslog-cold-start-" + suffix;
        String topic = "bench-" + name;
        Path dir = session.runDir(name);
        Path file = dir.resolve("app.log");
        LineFiles.write(file, 1, LINE_BYTES);
        session.topics().create(topic);
        try {
            long spawned = System.currentTimeMillis();
            Delivery first = rsyslogStart(dir, file, topic, 0);
            long freshMillis = first.lastAppendMillis() - spawned;
            appendLine(file, 1);
            spawned = System.currentTimeMillis();
            Delivery second = rsyslogStart(dir, file, topic, first.endOffset());
            long restartMillis = second.lastAppendMillis() - spawned;
            appendLine(file, 2);
            spawned = System.currentTimeMillis();
            Delivery third = rsyslogStart(dir, file, topic, second.endOffset());
            long laterRestartMillis = third.lastAppendMillis() - spawned;
            report.run(String.format("%s: fresh %,d ms, restart %,d ms, later restart %,d ms; load %s", name, freshMillis,
                    restartMillis, laterRestartMillis, Machine.loadAverage()));
            return new double[] {freshMillis, restartMillis, laterRestartMillis};
        } finally {
            session.topics().delete(topic);
        }
    }

    /** Starts rsyslogd, waits for the record after {@code fromOffset}, and stops it. */
    private Delivery rsyslogStart(Path dir, Path file, String topic, long fromOffset) {
        try (Child rsyslogd = RsyslogFile.start(session, dir, file, topic)) {
            Delivery delivery = await(rsyslogd, topic, fromOffset);
            rsyslogd.stopGracefully(STALL);
            return delivery;
        }
    }

    private Delivery await(Child rsyslogd, String topic, long fromOffset) {
        try {
            return awaitOne(topic, fromOffset);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; " + rsyslogd.logTail(), e);
        }
    }

    /**
     * Waits for the one record after {@code fromOffset}.
     *
     * @throws IllegalStateException when more came: a line sent again would make the time another's
     */
    private Delivery awaitOne(String topic, long fromOffset) {
        Delivery delivery = session.topics().await(topic, fromOffset, 1, STALL);
        if (delivery.records() != 1) {
            throw new IllegalStateException(topic + " got " + delivery.records() + " records after offset " + fromOffset
                    + ", expected the one new line");
        }
        return delivery;
    }

    private long javaVersion(String suffix) {
        long started = System.nanoTime();
        try (Child java = Child.start(JAVA_VERSION, session.runDir("java-version-" + suffix).resolve("output.log"),
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version"))) {
            java.awaitSuccess(VALIDATE_TIMEOUT);
            return Duration.ofNanos(System.nanoTime() - started).toMillis();
        }
    }

    /** Appends line {@code number} to {@code file}, as an application would. */
    private static void appendLine(Path file, long number) {
        byte[] line = new byte[LINE_BYTES + 1];
        LineFiles.fill(line, LINE_BYTES, number);
        line[LINE_BYTES] = '\n';
        try {
            Files.write(file, line, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** One start: spawn → record committed, the topic's end after it, and what else was seen. */
    private record Start(long millis, long endOffset, String notes) {
    }
}
