package io.tributary.plugins.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.testkit.AgentProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code file} source in the real agent while the real {@code /usr/sbin/logrotate} rotates its
 * file under a writer. Run by {@code mvn -pl plugins/file-tail -Plogrotate verify}; the default build
 * leaves it out, as a build machine may not have logrotate.
 */
class FileSourceLogrotateIT {
    private static final Path LOGROTATE = Path.of("/usr/sbin/logrotate");
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int LINES = 12_000;
    private static final int BATCH_LINES = 20;
    /** 1,000 lines a second: 12 s of writing. */
    private static final Duration BATCH_INTERVAL = Duration.ofMillis(20);
    private static final int ROTATIONS = 4;
    private static final int LINES_BETWEEN_ROTATIONS = 2_500;
    private static final Duration FAST_ROTATION = Duration.ofMillis(400);

    @TempDir
    Path dir;

    @BeforeAll
    static void logrotateIsInstalled() {
        if (!Files.isExecutable(LOGROTATE)) {
            throw new IllegalStateException(LOGROTATE + " is missing: these tests run the real logrotate"
                    + " (Debian: apt-get install -y logrotate), or leave out -Plogrotate");
        }
    }

    @Test
    void logrotateCreateWhileTheWriterWritesAndTheAgentIsKilledDeliversEveryLineOnce() throws Exception {
        rotateWhileWriting("create");
    }

    @Test
    void logrotateCopytruncateWithTheWriterHeldStillAndTheAgentKilledDeliversEveryLineOnce() throws Exception {
        rotateWhileWriting("copytruncate");
    }

    /**
     * logrotate {@code create} every 0.4 s while only the live name is in the globs: each file is under
     * a matching name for 0.4 s, less than the 1 s between scans. Before files were watched, one run
     * delivered 29,999 of 120,000 lines.
     */
    @Test
    void logrotateEvery400MillisecondsWithOnlyTheLiveNameInTheGlobsDeliversEveryLineOnce() throws Exception {
        LogWriter writer = new LogWriter(Files.createDirectories(dir.resolve("logs")), "app");
        String topic = "logrotate.fast";
        FileAgent fixture = FileAgent.in(dir).write("logrotate-fast", "  http: off\n", """
                sources:
                  logrotate:
                    type: file
                    topic: %s
                    include: ["%s/*.log"]
                    scan_interval: 1s
                """.formatted(topic, writer.path.getParent()));
        fixture.broker.createTopic(topic, 1, Map.of());
        AgentProcess agent = fixture.start();
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> writeAll(writer));
        int rotations = 0;
        while (!writing.isDone()) {
            long next = System.nanoTime() + FAST_ROTATION.toNanos();
            logrotate(writer, "create", 10_000);
            writer.reopen();
            rotations++;
            TimeUnit.NANOSECONDS.sleep(next - System.nanoTime());
        }
        writing.get();
        try {
            fixture.awaitCount(agent, topic, LINES, WAIT);
        } catch (IllegalStateException tooFew) {
            // The assertion below names the lines missing.
        }
        FileAgent.stopGracefully(agent);

        DeliveredLines.assertEveryLineOnceInOrder(fixture.readAll(topic), "logrotate", List.of(writer));
        assertThat(rotations).as("rotations in 12 s of writing").isGreaterThan(20);
    }

    /**
     * Writes {@link #LINES} lines to {@code app.log} while logrotate rotates it {@link #ROTATIONS}
     * times in {@code mode} and the agent is killed once halfway, then checks every line arrived once,
     * in order, and logrotate kept every rotated file.
     */
    private void rotateWhileWriting(String mode) throws Exception {
        LogWriter writer = new LogWriter(Files.createDirectories(dir.resolve("logs")), "app");
        String topic = "logrotate." + mode;
        FileAgent fixture = FileAgent.in(dir).write("logrotate-" + mode, "  http: off\n", """
                sources:
                  logrotate:
                    type: file
                    topic: %s
                    include: ["%s*"]
                """.formatted(topic, writer.path));
        fixture.broker.createTopic(topic, 1, Map.of());
        AgentProcess agent = fixture.start();
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> writeAll(writer));
        for (int rotated = 1; rotated <= ROTATIONS; rotated++) {
            long due = (long) rotated * LINES_BETWEEN_ROTATIONS;
            await("line " + due + " of " + writer.path + " written").atMost(WAIT).until(() -> writer.written() >= due);
            rotate(writer, mode);
            if (rotated == ROTATIONS / 2) {
                FileAgent.crash(agent);
                agent = fixture.start();
            }
        }
        writing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        fixture.awaitCount(agent, topic, LINES, WAIT);
        FileAgent.stopGracefully(agent);

        DeliveredLines.assertEveryLineOnceInOrder(fixture.readAll(topic), "logrotate", List.of(writer));
        assertThat(writer.generationStarts()).as("files written").hasSize(ROTATIONS + 1);
        for (int number = 1; number <= ROTATIONS; number++) {
            assertThat(writer.rotated(number)).as("kept by logrotate").isRegularFile();
        }
    }

    private void rotate(LogWriter writer, String mode) throws IOException {
        if (mode.equals("copytruncate")) {
            writer.copyTruncatedBy(() -> logrotate(writer, mode, 5));
        } else {
            // Until it reopens, as on logrotate's postrotate SIGHUP, the writer goes on into app.log.1.
            logrotate(writer, mode, 5);
            writer.reopen();
        }
    }

    private static void writeAll(LogWriter writer) {
        long start = System.nanoTime();
        try {
            for (int batch = 1; batch <= LINES / BATCH_LINES; batch++) {
                writer.append(BATCH_LINES);
                TimeUnit.NANOSECONDS.sleep(start + batch * BATCH_INTERVAL.toNanos() - System.nanoTime());
            }
            writer.close();
        } catch (IOException e) {
            throw new IllegalStateException("writing " + writer.path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + writer.path, e);
        }
    }

    /**
     * Runs {@code logrotate -f} on app.log with a generated config and state file, as cron would,
     * keeping {@code keep} rotated files.
     */
    private void logrotate(LogWriter writer, String mode, int keep) throws IOException {
        Path config = dir.resolve("logrotate.conf");
        Path state = dir.resolve("logrotate.state");
        Files.writeString(config, """
                %s {
                    %s
                    rotate %d
                    nocompress
                    missingok
                }
                """.formatted(writer.path, mode, keep));
        Process logrotate = new ProcessBuilder(LOGROTATE.toString(), "-f", "-s", state.toString(), config.toString())
                .redirectErrorStream(true).start();
        try {
            if (!logrotate.waitFor(30, TimeUnit.SECONDS)) {
                logrotate.destroyForcibly();
                throw new IllegalStateException("logrotate still runs after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while logrotate ran", e);
        }
        String output = new String(logrotate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (logrotate.exitValue() != 0) {
            throw new IllegalStateException("logrotate exited with " + logrotate.exitValue() + ":\n" + output);
        }
    }
}
