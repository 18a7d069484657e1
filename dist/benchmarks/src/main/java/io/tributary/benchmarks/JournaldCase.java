package io.tributary.benchmarks;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Case 7: a journal of {@link Scale#journalEntries()} entries, written by systemd-journal-remote,
 * into Kafka by the journald source (JSON, the default), against {@code journalctl -o export
 * --directory D > /dev/null}: the reading limit, since the source parses journalctl's own output.
 */
final class JournaldCase {
    static final String CASE_NAME = "7. journald (JSON) vs journalctl -o export > /dev/null";
    static final String TRIBUTARY = "Tributary journald";
    static final String JOURNALCTL = "journalctl -o export";
    private static final Path JOURNAL_REMOTE = Path.of("/lib/systemd/systemd-journal-remote");
    private static final double TARGET_RATIO = 0.5;
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final Duration WRITE_TIMEOUT = Duration.ofMinutes(10);

    private final Session session;
    private final Report report;

    JournaldCase(Session session, Report report) {
        this.session = session;
        this.report = report;
    }

    void run() {
        if (!Files.isExecutable(JOURNAL_REMOTE)) {
            report.add(Row.skipped(CASE_NAME, String.format("≥ %.2f×", TARGET_RATIO),
                    JOURNAL_REMOTE + " is missing (apt-get install systemd systemd-journal-remote)"));
            return;
        }
        int entries = session.scale().journalEntries();
        Path journal = session.runDir("journal");
        Duration writing = write(journal, entries);
        report.describe("Case 7 (journald) measures", String.format("a journal of %,d entries of 7 fields (MESSAGE of "
                + "about 100 bytes), written by systemd-journal-remote in %.1f s; journalctl from its start to its exit, "
                + "Tributary (format json, key unit) from the broker's append of its first record to its last",
                entries, writing.toMillis() / 1000.0));
        Figures figures = new Figures();
        for (int run = 1; run <= session.scale().runs(); run++) {
            String suffix = "r" + run;
            figures.measure(JOURNALCTL, () -> journalctl(journal, entries, suffix));
            figures.measure(TRIBUTARY, () -> tributary(journal, entries, suffix));
        }
        report.add(figures.compare(CASE_NAME, TRIBUTARY, JOURNALCTL, TARGET_RATIO,
                figure -> String.format("%,.0f entries/s", figure)));
    }

    /** Writes {@code entries} entries into one journal file in {@code dir}; returns how long it took. */
    private static Duration write(Path dir, int entries) {
        Instant start = Instant.now();
        long firstMicros = start.getEpochSecond() * 1_000_000L;
        try {
            Process process = new ProcessBuilder(JOURNAL_REMOTE.toString(), "--output=" + dir.resolve("bench.journal"), "-")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("journal-remote.log").toFile()))
                    .start();
            try (OutputStream out = new BufferedOutputStream(process.getOutputStream(), 1 << 16)) {
                for (int i = 0; i < entries; i++) {
                    String unit = "app-" + (i % 8) + ".service";
                    out.write(("__REALTIME_TIMESTAMP=" + (firstMicros + i) + "\n__MONOTONIC_TIMESTAMP=" + (1_000_000L + i)
                            + "\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_SYSTEMD_UNIT=" + unit
                            + "\n_HOSTNAME=bench-host\nPRIORITY=6\nSYSLOG_IDENTIFIER=app\n_PID=" + (1000 + i % 8)
                            + "\n_TRANSPORT=stdout\nMESSAGE=request " + i + " GET /api/orders?page=" + (i % 100)
                            + " status=200 bytes=5123 duration_ms=12 user_agent=bench\n\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("systemd-journal-remote failed; see " + dir.resolve("journal-remote.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return Duration.between(start, Instant.now());
    }

    /**
     * Times {@code journalctl -o export --directory D > /dev/null} from start to exit. A shell runs
     * it and then prints its own /proc stat line, whose cutime and cstime are the CPU journalctl used.
     */
    private double journalctl(Path journal, int entries, String suffix) {
        try {
            long start = System.nanoTime();
            Process process = new ProcessBuilder("sh", "-c", "journalctl --output=export --no-pager --directory=\"$0\""
                    + " >/dev/null || exit 1; read -r stat </proc/$$/stat; echo \"$stat\"", journal.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String stat = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("journalctl failed");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double perSecond = entries / seconds;
            report.run(String.format("journalctl-%s: %,.0f entries/s, %d entries in %.2f s from start to exit, "
                    + "%.1f µs CPU per entry; load %s", suffix, perSecond, entries, seconds,
                    childrenCpuSeconds(stat) * 1e6 / entries, Machine.loadAverage()));
            return perSecond;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run journalctl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** cutime + cstime of a /proc/PID/stat line, in seconds (USER_HZ is 100 on Linux). */
    private static double childrenCpuSeconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is stat's field 3 (state); cutime and cstime are its fields 16 and 17
        return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
    }

    private double tributary(Path journal, int entries, String suffix) {
        String name = "journald-" + suffix;
        String topic = "bench-" + name;
        session.topics().create(topic);
        String sources = """
                sources:
                  journal:
                    type: journald
                    topic: %s
                    directory: %s
                """.formatted(topic, journal);
        try (Agent agent = Agent.start(session, session.runDir(name), "bench-" + name, Map.of(), sources,
                session.profile(name))) {
            Duration agentCpuAtStart = CpuTime.of(agent.pid());
            Delivery delivery = session.topics().await(topic, entries, STALL);
            Duration cpu = CpuTime.of(agent.pid()).minus(agentCpuAtStart);
            Duration journalctlCpu = ProcessHandle.of(agent.pid()).stream().flatMap(ProcessHandle::descendants)
                    .map(child -> CpuTime.of(child.pid())).reduce(Duration.ZERO, Duration::plus);
            agent.stop();
            if (delivery.records() != entries) {
                throw new IllegalStateException(name + " delivered " + delivery.records() + " entries, expected " + entries);
            }
            report.run(String.format("%s: %,.0f entries/s, %d entries in %.2f s between first and last append, "
                    + "%.1f µs CPU per entry in the agent (from its start line) and %.1f in its journalctl; load %s",
                    name, delivery.recordsPerSecond(), entries,
                    (delivery.lastAppendMillis() - delivery.firstAppendMillis()) / 1000.0,
                    cpu.toNanos() / 1e3 / entries, journalctlCpu.toNanos() / 1e3 / entries, Machine.loadAverage()));
            return delivery.recordsPerSecond();
        } finally {
            session.topics().delete(topic);
        }
    }
}
