package io.tributary.plugins.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code file} source in the real agent against a real broker: what a read_committed consumer sees. */
class FileSourceIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static final int FILES = 5;
    private static final int LINES_PER_FILE = 20_000;
    private static final int TOTAL_LINES = FILES * LINES_PER_FILE;
    private static final int BATCH_LINES = 20;
    private static final int BATCHES = LINES_PER_FILE / BATCH_LINES;
    /** 500 lines a second per file: the writing lasts 40 s, long enough for several crashes amid it. */
    private static final Duration BATCH_INTERVAL = Duration.ofMillis(40);
    private static final Duration WRITING = BATCH_INTERVAL.multipliedBy(BATCHES);
    /** SIGKILLs of the agent while the files are written: 3 in CI, 20 with -Pfaults-long. */
    private static final int KILLS = Integer.getInteger("tributary.kills", 3);
    /** A rotation every 3,000 lines of a file, 33 in all; the files take turns. */
    private static final int ROTATE_EVERY_BATCHES = 150;

    @TempDir
    Path dir;

    private static String fileSource(String name, String topic, Path logs, String extra) {
        return """
                sources:
                  %s:
                    type: file
                    topic: %s
                    include: ["%s/*.log*"]
                %s""".formatted(name, topic, logs, extra);
    }

    @Test
    void everyLineArrivesOnceAndInOrderThroughRotationsWhileWritingAndKillsAtRandomMoments() throws Exception {
        long seed = Long.getLong("tributary.seed", System.nanoTime());
        Random random = new Random(seed);
        long[] killAtMillis = LongStream.generate(() -> (long) (random.nextDouble() * WRITING.toMillis()))
                .limit(KILLS).sorted().toArray();
        Path logs = Files.createDirectories(dir.resolve("logs"));
        String topic = "file.rotating";
        FileAgent fixture = FileAgent.in(dir).write("file-rotating", "  http: off\n", fileSource("rotating", topic, logs, ""));
        // One partition: the order in the topic is the order the agent read the lines in.
        fixture.broker.createTopic(topic, 1, Map.of());
        List<LogWriter> writers = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            writers.add(new LogWriter(logs, "app" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(FILES);
        try {
            List<Future<?>> writing = new ArrayList<>();
            long writingStarted = System.nanoTime();
            for (int i = 0; i < FILES; i++) {
                LogWriter writer = writers.get(i);
                boolean copytruncate = i >= 3;
                int phase = i * ROTATE_EVERY_BATCHES / FILES;
                writing.add(pool.submit(() -> {
                    writeRotating(writer, phase, copytruncate);
                    return null;
                }));
            }
            List<Long> writtenAtKill = new ArrayList<>();
            for (long killAt : killAtMillis) {
                AgentProcess agent = fixture.start();
                long due = writingStarted + TimeUnit.MILLISECONDS.toNanos(killAt);
                await("the kill at " + killAt + " ms of the writing").atMost(WAIT).until(() -> System.nanoTime() - due >= 0);
                FileAgent.crash(agent);
                writtenAtKill.add(written(writers));
            }
            AgentProcess agent = fixture.start();
            for (Future<?> writer : writing) {
                writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            fixture.awaitCount(agent, topic, TOTAL_LINES, WAIT);
            FileAgent.stopGracefully(agent);

            String kills = ("%d SIGKILLs at %s ms of the writing, with %s lines written (seed %d: -Dtributary.seed=%d"
                    + " replays the moments)").formatted(KILLS, Arrays.toString(killAtMillis), writtenAtKill, seed, seed);
            assertThat(writtenAtKill).as(kills).anyMatch(written -> written < TOTAL_LINES);
            List<ConsumerRecord<byte[], byte[]>> records = fixture.readAll(topic);
            DeliveredLines.assertEveryLineOnceInOrder(records, "rotating", writers, kills);
            assertThat(records).as(kills).hasSize(TOTAL_LINES);
            int generations = writers.stream().mapToInt(writer -> writer.generationStarts().size()).sum();
            assertThat(generations).as("files written, rotated ones included").isEqualTo(FILES + 33);
            try (Stream<Path> files = Files.list(logs)) {
                assertThat(files.count()).as("files in " + logs + ": every rotated file kept").isEqualTo(generations);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Writes {@link #LINES_PER_FILE} lines, rotating every {@link #ROTATE_EVERY_BATCHES} batches
     * (shifted by {@code phase}): by rename ({@code create}) with one more batch going to the renamed
     * file before the writer reopens, as an application does until its SIGHUP; or by copytruncate, the
     * writer holding still from the copy to the truncate, as lines written then are lost by any tailer.
     */
    private static void writeRotating(LogWriter writer, int phase, boolean copytruncate)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        boolean reopenAfterBatch = false;
        for (int batch = 1; batch <= BATCHES; batch++) {
            writer.append(BATCH_LINES);
            if (reopenAfterBatch) {
                writer.reopen();
                reopenAfterBatch = false;
            }
            if ((batch + phase) % ROTATE_EVERY_BATCHES == 0 && batch < BATCHES - 1) {
                if (copytruncate) {
                    writer.copyTruncate();
                } else {
                    writer.renameToRotated();
                    reopenAfterBatch = true;
                }
            }
            long due = start + batch * BATCH_INTERVAL.toNanos();
            TimeUnit.NANOSECONDS.sleep(due - System.nanoTime());
        }
        writer.close();
    }

    private static long written(List<LogWriter> writers) {
        return writers.stream().mapToLong(LogWriter::written).sum();
    }

    @Test
    void anIdleFileGetsItsNewLineAndAGracefulRestartResumesRightAfterTheLastCommittedLine() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path busy = logs.resolve("busy.log");
        Path small = logs.resolve("small.log");
        List<String> busyLines = IntStream.range(0, 40).mapToObj(n -> LogWriter.line("busy", 0, n)).toList();
        List<String> smallLines = List.of("small 0", "small 1", "small 2");
        appendLines(busy, busyLines);
        appendLines(small, smallLines);
        int httpPort = freePort();
        String topic = "file.idle";
        FileAgent fixture = FileAgent.in(dir).write("file-idle", "  http: 127.0.0.1:%d\n".formatted(httpPort),
                fileSource("idle", topic, logs, "    close_inactive: 1s\n"));
        fixture.broker.createTopic(topic, 1, Map.of());

        AgentProcess agent = fixture.start();
        List<ConsumerRecord<byte[], byte[]>> first = fixture.awaitCount(agent, topic, 43, WAIT);
        assertThat(KafkaReader.values(linesOf(first, busy))).containsExactlyElementsOf(busyLines);
        assertThat(KafkaReader.values(linesOf(first, small))).containsExactlyElementsOf(smallLines);
        assertThat(linesOf(first, busy)).extracting(record -> KafkaReader.header(record, LineRecords.OFFSET_HEADER))
                .containsExactlyElementsOf(IntStream.range(0, 40).mapToObj(n -> Integer.toString(n * 100)).toList());
        assertThat(linesOf(first, small)).extracting(record -> KafkaReader.header(record, LineRecords.OFFSET_HEADER))
                .containsExactly("0", "8", "16");
        assertThat(first).allSatisfy(record -> assertThat(KafkaReader.header(record, LineRecords.SOURCE_HEADER)).isEqualTo("idle"));

        await("both files closed by close_inactive").atMost(WAIT)
                .until(() -> openFiles(httpPort, "idle"), open -> open == 0);
        appendLines(busy, List.of("after a quiet while"));
        List<ConsumerRecord<byte[], byte[]>> second = fixture.awaitCount(agent, topic, 44, WAIT);
        ConsumerRecord<byte[], byte[]> late = second.get(43);
        assertThat(KafkaReader.values(List.of(late))).containsExactly("after a quiet while");
        assertThat(KafkaReader.header(late, LineRecords.PATH_HEADER)).isEqualTo(busy.toString());
        assertThat(KafkaReader.header(late, LineRecords.OFFSET_HEADER)).isEqualTo("4000");
        FileAgent.stopGracefully(agent);

        appendLines(busy, List.of("while stopped 1", "while stopped 2"));
        appendLines(small, List.of("small 3"));
        agent = fixture.start();
        assertThat(agent.awaitLine("reading " + busy + " from byte 4020 as stream fp:", WAIT))
                .as("resume line in:\n" + FileAgent.tail(agent)).isTrue();
        assertThat(agent.awaitLine("reading " + small + " from byte 24 as stream ino:", WAIT))
                .as("resume line in:\n" + FileAgent.tail(agent)).isTrue();
        fixture.awaitCount(agent, topic, 47, WAIT);
        FileAgent.stopGracefully(agent);

        List<String> values = KafkaReader.values(fixture.readAll(topic));
        assertThat(values).hasSize(47);
        assertThat(values.subList(0, 44)).isEqualTo(KafkaReader.values(second));
        assertThat(values.subList(44, 47)).containsExactlyInAnyOrder("while stopped 1", "while stopped 2", "small 3")
                .containsSubsequence("while stopped 1", "while stopped 2");

        AgentProcess.Result list = fixture.command("checkpoints", "list");
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output())
                .containsPattern("(?m)^idle\\s+fp:[0-9a-f]{16}:\\d+:\\d+\\s+dev=\\d+,ino=\\d+,offset=4052,path="
                        + Pattern.quote(busy.toString()) + ",tail_hash=[0-9a-f]{16}$")
                .containsPattern("(?m)^idle\\s+ino:\\d+:\\d+\\s+dev=\\d+,ino=\\d+,offset=32,path="
                        + Pattern.quote(small.toString()) + ",tail_hash=[0-9a-f]{16}$");
    }

    private static List<ConsumerRecord<byte[], byte[]>> linesOf(List<ConsumerRecord<byte[], byte[]>> records, Path file) {
        return records.stream().filter(record -> file.toString().equals(KafkaReader.header(record, LineRecords.PATH_HEADER)))
                .toList();
    }

    private static void appendLines(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The source's {@code file.open} gauge, read from the agent's /metrics endpoint. */
    private static long openFiles(int httpPort, String sourceName) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher gauge = Pattern.compile("(?m)^tributary_file_open\\{[^}]*source=\"" + sourceName + "\"[^}]*} (\\S+)$")
                .matcher(response.body());
        if (!gauge.find()) {
            throw new AssertionError("no tributary_file_open gauge of source " + sourceName + " in /metrics:\n" + response.body());
        }
        return (long) Double.parseDouble(gauge.group(1));
    }
}
