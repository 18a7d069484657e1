package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.plugins.syslog.RelpTestClient.Frame;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The RELP listener against a client that speaks as librelp's does, frame by frame. */
class RelpSourceTest extends SourceTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long a test waits to be sure an answer does not come. */
    private static final Duration SILENCE = Duration.ofMillis(300);

    @Test
    void openIsAnsweredWithTheOffersLibrelpsServerMakes() throws Exception {
        start("listen: relp://127.0.0.1:0", Map.of());
        RelpTestClient client = connect();

        assertThat(client.open()).isEqualTo(new Frame(1, "rsp",
                "200 OK\nrelp_version=0\nrelp_software=tributary\ncommands=syslog"));
        assertThat(source.boundAddresses()).extracting(ListenAddress::toString).first().asString().startsWith("relp://");
    }

    @Test
    void aMessageIsAcknowledgedOnlyOnceTheTransactionHoldingItCommitted() throws Exception {
        TaskDriver driver = start("listen: relp://127.0.0.1:0", Map.of());
        RelpTestClient client = connect();
        client.open();

        client.syslog("<13>1 - h app - - - first");
        client.syslog("<13>1 - h app - - - second");
        List<SourceRecord> records = driver.pollUntil(2, WAIT);

        assertThat(records).extracting(record -> text(record.value()))
                .allSatisfy(value -> assertThat(value).contains("\"app_name\":\"app\""));
        assertThat(records).extracting(record -> record.checkpoint().position().get("seq")).containsExactly("1", "2");
        assertThat(records).extracting(record -> record.checkpoint().stream()).allMatch(stream -> stream.startsWith("relp-"));
        assertThat(client.read(SILENCE)).as("no answer before the commit").isNull();
        assertThat(context.gauge("syslog.relp.unacknowledged")).isEqualTo(2L);

        driver.commitAll();
        assertThat(client.read(WAIT)).isEqualTo(new Frame(2, "rsp", "200 OK"));
        assertThat(client.read(WAIT)).isEqualTo(new Frame(3, "rsp", "200 OK"));
        await().atMost(WAIT).until(() -> context.gauge("syslog.relp.unacknowledged").longValue() == 0);

        client.syslog("<13>1 - h app - - - third");
        driver.pollUntil(1, WAIT);
        assertThat(client.read(SILENCE)).as("the third waits for its own commit").isNull();
        driver.commitAll();
        assertThat(client.read(WAIT)).isEqualTo(new Frame(4, "rsp", "200 OK"));
        assertThat(context.counter("syslog.relp.messages")).isEqualTo(3);
    }

    @Test
    void relpOverTlsTakesTheTlsSettingsAndAcknowledgesAfterTheCommit() throws Exception {
        TestCertificate server = TestCertificate.create(dir, "server");
        TaskDriver driver = start("listen: relp+tls://127.0.0.1:0\ntls:\n  cert: " + server.certPem + "\n  key: "
                + server.keyPem, Map.of());
        RelpTestClient client = new RelpTestClient(server.clientContext(server, false).getSocketFactory()
                .createSocket("127.0.0.1", source.boundAddresses().get(0).port()));
        toClose.add(client);

        client.open();
        client.syslog("<13>1 - h app - - - over tls");
        assertThat(text(driver.pollUntil(1, WAIT).get(0).value())).contains("\"message\":\"over tls\"");
        driver.commitAll();

        assertThat(client.read(WAIT)).isEqualTo(new Frame(2, "rsp", "200 OK"));
        assertThat(context.counter("syslog.relp_tls.messages")).isEqualTo(1);
    }

    @Test
    void aFullQueueStopsReadingTheSessionSoItsSendersWindowFillsAndMemoryStaysBounded() throws Exception {
        TaskDriver driver = start("listen: relp://127.0.0.1:0\nqueue_max_messages: 10", Map.of());
        RelpTestClient client = connect();
        client.open();

        int sent = 500;
        for (int i = 0; i < sent; i++) {
            client.syslog("<13>1 - h app - - - message " + i);
        }
        await().atMost(WAIT).until(() -> context.gauge("syslog.queue.messages").intValue() == 10);
        await().during(SILENCE).atMost(WAIT).until(() -> context.gauge("syslog.queue.messages").intValue() == 10);
        assertThat(context.counter("syslog.relp.messages")).isEqualTo(10);
        assertThat(client.read(SILENCE)).as("nothing is acknowledged while nothing commits").isNull();

        List<SourceRecord> records = new ArrayList<>();
        List<Frame> answers = new ArrayList<>();
        while (answers.size() < sent) {
            records.addAll(driver.pollFor(Duration.ofMillis(50)));
            driver.commitAll();
            for (Frame answer = client.read(Duration.ofMillis(20)); answer != null; answer = client.read(Duration.ofMillis(5))) {
                answers.add(answer);
            }
        }
        assertThat(records).hasSize(sent);
        assertThat(answers).extracting(Frame::txnr).isSortedAccordingTo(Integer::compare).startsWith(2).endsWith(sent + 1);
        assertThat(answers).extracting(Frame::data).containsOnly("200 OK");
    }

    @Test
    void aMessageOverMaxMessageBytesIsRefusedInOrderAndTheSessionGoesOn() throws Exception {
        TaskDriver driver = start("listen: relp://127.0.0.1:0\nmax_message_bytes: 480", Map.of());
        RelpTestClient client = connect();
        client.open();

        client.syslog("<13>1 - h app - - - before");
        client.syslog("<13>1 - h app - - - " + "x".repeat(600));
        client.syslog("<13>1 - h app - - - after");
        List<SourceRecord> records = driver.pollUntil(2, WAIT);
        assertThat(client.read(SILENCE)).as("the refusal waits for the message before it").isNull();
        driver.commitAll();

        assertThat(client.read(WAIT)).isEqualTo(new Frame(2, "rsp", "200 OK"));
        assertThat(client.read(WAIT)).isEqualTo(new Frame(3, "rsp", "500 message longer than max_message_bytes"));
        assertThat(client.read(WAIT)).isEqualTo(new Frame(4, "rsp", "200 OK"));
        assertThat(records).extracting(record -> text(record.value()))
                .anySatisfy(value -> assertThat(value).contains("\"message\":\"before\""))
                .anySatisfy(value -> assertThat(value).contains("\"message\":\"after\""));
        assertThat(context.counter("syslog.relp.refused")).isEqualTo(1);
        assertThat(context.counter("syslog.messages.oversized")).isEqualTo(1);
    }

    @Test
    void syslogBeforeOpenIsAnsweredCommandDisabledAsLibrelpDoes() throws Exception {
        start("listen: relp://127.0.0.1:0", Map.of());
        RelpTestClient client = connect();

        client.syslog("<13>1 - h app - - - too early");

        assertThat(client.read(WAIT)).isEqualTo(new Frame(1, "rsp", "500 command disabled"));
        assertThat(context.counter("syslog.relp.refused")).isEqualTo(1);
    }

    @Test
    void anOpenWithoutRelpVersionIsRefusedAndTheSessionClosed() throws Exception {
        start("listen: relp://127.0.0.1:0", Map.of());
        RelpTestClient client = connect();

        client.send("open", "commands=syslog");

        assertThat(client.read(WAIT)).isEqualTo(new Frame(1, "rsp", "500 the open offers no relp_version"));
        assertThat(client.closedByServer(WAIT)).isTrue();
    }

    @Test
    void aSecondOpenIsRefusedAndTheSessionClosed() throws Exception {
        start("listen: relp://127.0.0.1:0", Map.of());
        RelpTestClient client = connect();
        client.open();

        client.send("open", RelpTestClient.LIBRELP_OPEN);

        assertThat(client.read(WAIT)).isEqualTo(new Frame(2, "rsp", "500 protocol error: connection already open"));
        assertThat(client.closedByServer(WAIT)).isTrue();
    }

    @Test
    void malformedFramesAndOutOfSequenceTransactionNumbersCloseTheSessionAndAreCounted() throws Exception {
        start("listen: relp://127.0.0.1:0", Map.of());
        RelpTestClient garbage = connect();
        RelpTestClient skipping = connect();
        RelpTestClient noTrailer = connect();
        RelpTestClient unknown = connect();

        garbage.sendRaw("hello relp\n");
        skipping.open();
        skipping.sendRaw("3 syslog 5 hello\n");
        noTrailer.sendRaw("1 open 5 abcdeX");
        unknown.sendRaw("1 starttls 0\n");

        for (RelpTestClient client : List.of(garbage, skipping, noTrailer, unknown)) {
            assertThat(client.closedByServer(WAIT)).isTrue();
        }
        await().atMost(WAIT).until(() -> context.counter("syslog.frames.bad") == 4);
    }

    @Test
    void closeIsAnsweredAfterTheMessagesBeforeItAndEndsTheSession() throws Exception {
        TaskDriver driver = start("listen: relp://127.0.0.1:0", Map.of());
        RelpTestClient client = connect();
        client.open();

        client.syslog("<13>1 - h app - - - last");
        client.send("close", "");
        driver.pollUntil(1, WAIT);
        assertThat(client.read(SILENCE)).isNull();
        driver.commitAll();

        assertThat(client.read(WAIT)).isEqualTo(new Frame(2, "rsp", "200 OK"));
        assertThat(client.read(WAIT)).isEqualTo(new Frame(3, "rsp", ""));
        assertThat(client.closedByServer(WAIT)).isTrue();
        await().atMost(WAIT).until(() -> context.gauge("syslog.connections.open").intValue() == 0);
        List<SourceRecord> forget = driver.pollUntil(1, WAIT);
        assertThat(forget).singleElement().satisfies(record -> {
            assertThat(record.isCheckpointOnly()).isTrue();
            assertThat(record.checkpoint().forgets()).isTrue();
        });
    }

    @Test
    void aGracefulStopAnswersWhatCommittedThenSendsServercloseAndLeavesTheRestToBeSentAgain() throws Exception {
        source = new SyslogSource(config("listen: relp://127.0.0.1:0"), SyslogParserTest.NOW);
        context = new RecordingSourceContext("syslog", dir.resolve("data"), Map.of());
        source.start(context);
        RelpTestClient client = connect();
        client.open();
        client.syslog("<13>1 - h app - - - taken");
        List<SourceRecord> taken = pollUntil(1);

        source.stop();
        client.syslog("<13>1 - h app - - - after the stop");
        assertThat(source.poll()).isEmpty();
        source.committed(Map.of(taken.get(0).checkpoint().stream(), taken.get(0).checkpoint().position()));
        long closing = System.nanoTime();
        source.close();

        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(5));
        assertThat(client.read(WAIT)).isEqualTo(new Frame(2, "rsp", "200 OK"));
        assertThat(client.read(WAIT)).isEqualTo(new Frame(0, "serverclose", ""));
        assertThat(client.closedByServer(WAIT)).isTrue();
    }

    @Test
    void messagesSentAgainAfterABreakThoughCommittedAreCountedAsResent() throws Exception {
        TaskDriver driver = start("listen: relp://127.0.0.1:0", Map.of());
        RelpTestClient broken = connect();
        broken.open();
        for (String message : List.of("a", "b", "c")) {
            broken.syslog("<13>1 - h app - - - " + message);
        }
        driver.pollUntil(3, WAIT);
        driver.commitAll();
        broken.close();
        await().atMost(WAIT).until(() -> context.gauge("syslog.connections.open").intValue() == 0);

        // librelp sends again, first, what was not acknowledged (here: b and c, whose answers were lost), then new ones.
        RelpTestClient again = connect();
        again.open();
        for (String message : List.of("b", "c", "d")) {
            again.syslog("<13>1 - h app - - - " + message);
        }
        driver.pollUntil(4, WAIT);
        driver.commitAll();

        assertThat(context.counter("syslog.relp.resent")).isEqualTo(2);
    }

    @Test
    void aRestartForgetsTheStreamsOfEarlierSessionsAndRecognisesTheirResends() throws Exception {
        Map<String, Position> committed = new LinkedHashMap<>();
        committed.put("relp-earlier-1", Position.of(Map.of("seq", 7, "peer", "127.0.0.1",
                "crc32c", crc("<13>1 - h app - - - seven"))));
        TaskDriver driver = start("listen: relp://127.0.0.1:0", committed);

        List<SourceRecord> forgets = driver.pollUntil(1, WAIT);
        assertThat(forgets).extracting(SourceRecord::checkpoint).containsExactly(new Checkpoint("relp-earlier-1", null));

        RelpTestClient client = connect();
        client.open();
        for (String message : List.of("six", "seven", "eight")) {
            client.syslog("<13>1 - h app - - - " + message);
        }
        driver.pollUntil(3, WAIT);
        driver.commitAll();
        assertThat(context.counter("syslog.relp.resent")).isEqualTo(2);
    }

    private static String crc(String message) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(message.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    private List<SourceRecord> pollUntil(int count) throws Exception {
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            records.addAll(source.poll());
        }
        assertThat(records).hasSize(count);
        return records;
    }

    private TaskDriver start(String yaml, Map<String, Position> committed) {
        return startSource(yaml, committed);
    }

    private RelpTestClient connect() throws Exception {
        RelpTestClient client = new RelpTestClient(source.boundAddresses().get(0).port());
        toClose.add(client);
        return client;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
