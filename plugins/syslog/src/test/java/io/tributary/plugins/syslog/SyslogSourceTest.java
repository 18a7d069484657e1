package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.tributary.agent.config.YamlSettings;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SyslogSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private RecordingSourceContext context;
    private SyslogSource source;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void udpMessagesBecomeJsonRecordsKeyedByHostnameAndGarbageIsKeptWithItsParseError() throws Exception {
        TaskDriver driver = start("listen: udp://127.0.0.1:0");
        DatagramSocket sender = closeLater(new DatagramSocket());
        String peer = "127.0.0.1:" + sender.getLocalPort();

        send(sender, "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [a@1 b=\"c\"] 'su root' failed\n");
        send(sender, "hello, no priority");
        List<SourceRecord> records = driver.pollUntil(2, WAIT);

        assertThat(records).extracting(record -> text(record.key())).containsExactly("mymachine.example.com", null);
        assertThat(records).extracting(record -> text(record.value())).containsExactly(
                "{\"timestamp\":\"2003-10-11T22:14:15.003Z\",\"hostname\":\"mymachine.example.com\",\"app_name\":\"su\","
                        + "\"procid\":null,\"msgid\":\"ID47\",\"facility\":\"auth\",\"facility_code\":4,"
                        + "\"severity\":\"crit\",\"severity_code\":2,\"structured_data\":{\"a@1\":{\"b\":\"c\"}},"
                        + "\"message\":\"'su root' failed\",\"peer\":\"" + peer + "\"}",
                "{\"timestamp\":null,\"hostname\":null,\"app_name\":null,\"procid\":null,\"msgid\":null,"
                        + "\"facility\":null,\"facility_code\":null,\"severity\":null,\"severity_code\":null,"
                        + "\"structured_data\":null,\"message\":\"hello, no priority\",\"peer\":\"" + peer + "\","
                        + "\"parse_error\":\"does not start with a priority like <13>\"}");
        assertThat(records).allSatisfy(record -> {
            assertThat(record.topic()).isEqualTo("logs.syslog");
            assertThat(record.checkpoint()).isNull();
            assertThat(record.timestamp()).isNull();
        });
        assertThat(context.counter("syslog.udp.messages")).isEqualTo(2);
        assertThat(context.counter("syslog.udp.bytes")).isEqualTo(92 + 18);
        assertThat(context.counter("syslog.parse.errors")).isEqualTo(1);
    }

    @Test
    void tcpTakesOctetCountingAndNewlineConnectionsSideBySide() throws Exception {
        TaskDriver driver = start("listen: tcp://127.0.0.1:0\nkey: app_name");
        int port = source.boundAddresses().get(0).port();
        Socket octets = closeLater(new Socket("127.0.0.1", port));
        Socket lines = closeLater(new Socket("127.0.0.1", port));

        write(octets, "17 <13>1 - h a - - -20 <13>1 - h b - - - x\n");
        write(lines, "<13>1 - h c - - - first\n<13>Nov 23 18:40:01 h d[7]: second\r\n");
        List<SourceRecord> records = driver.pollUntil(4, WAIT);

        assertThat(records).extracting(record -> text(record.key())).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(records).extracting(record -> text(record.value()))
                .anySatisfy(value -> assertThat(value).contains("\"app_name\":\"b\"").contains("\"message\":\"x\","))
                .anySatisfy(value -> assertThat(value).contains("\"app_name\":\"d\",\"procid\":\"7\"")
                        .contains("\"timestamp\":\"2026-11-23T18:40:01Z\"").contains("\"message\":\"second\"")
                        .contains("\"peer\":\"127.0.0.1:" + lines.getLocalPort() + "\""));
        assertThat(context.counter("syslog.tcp.messages")).isEqualTo(4);
        assertThat(context.counter("syslog.tcp.bytes")).isEqualTo(17 + 20 + 23 + 34);
        assertThat(context.gauge("syslog.connections.open")).isEqualTo(2);
    }

    @Test
    void rawFormatKeepsTheBytesAndStillKeysByHostname() throws Exception {
        TaskDriver driver = start("listen: udp://127.0.0.1:0\nformat: raw");
        DatagramSocket sender = closeLater(new DatagramSocket());

        send(sender, "<13>Nov 23 18:40:01 web01 app: caf\u00e9");
        send(sender, "not syslog at all");
        List<SourceRecord> records = driver.pollUntil(2, WAIT);

        assertThat(records).extracting(record -> text(record.value()))
                .containsExactly("<13>Nov 23 18:40:01 web01 app: caf\u00e9", "not syslog at all");
        assertThat(records).extracting(record -> text(record.key())).containsExactly("web01", null);
        assertThat(context.counter("syslog.parse.errors")).isZero();
    }

    @Test
    void keyNoneAndKeyPeer() throws Exception {
        TaskDriver none = start("listen: udp://127.0.0.1:0\nkey: none");
        DatagramSocket sender = closeLater(new DatagramSocket());
        send(sender, "<13>1 - h a - - - m");
        assertThat(none.pollUntil(1, WAIT)).extracting(SourceRecord::key).containsExactly((byte[]) null);

        TaskDriver peer = start("listen: udp://127.0.0.1:0\nkey: peer");
        send(sender, "<13>1 - h a - - - m");
        assertThat(peer.pollUntil(1, WAIT)).extracting(record -> text(record.key()))
                .containsExactly("127.0.0.1:" + sender.getLocalPort());
    }

    @Test
    void oversizedDatagramIsCountedAndSkipped() throws Exception {
        TaskDriver driver = start("listen: udp://127.0.0.1:0\nmax_message_bytes: 480");
        DatagramSocket sender = closeLater(new DatagramSocket());

        send(sender, "<13>1 - h a - - - " + "x".repeat(600));
        send(sender, "<13>1 - h a - - - " + "y".repeat(480 - 18));

        List<SourceRecord> records = driver.pollUntil(1, WAIT);
        assertThat(text(records.get(0).value())).contains("\"message\":\"" + "y".repeat(462) + "\"");
        assertThat(context.counter("syslog.messages.oversized")).isEqualTo(1);
        assertThat(context.counter("syslog.udp.messages")).isEqualTo(1);
    }

    @Test
    void udpMessagesBeyondAFullQueueAreDroppedAndCounted() throws Exception {
        TaskDriver driver = start("listen: udp://127.0.0.1:0\nqueue_max_messages: 5");
        DatagramSocket sender = closeLater(new DatagramSocket());

        for (int i = 0; i < 20; i++) {
            send(sender, "<13>1 - h a - - - message " + i);
        }
        await().atMost(WAIT).until(() -> context.counter("syslog.udp.messages") == 20);

        assertThat(context.counter("syslog.udp.dropped")).isEqualTo(15);
        assertThat(driver.pollUntil(5, WAIT)).extracting(record -> text(record.value()))
                .allSatisfy(value -> assertThat(value).containsPattern("\"message\":\"message [0-4]\""));
        assertThat(driver.pollFor(Duration.ofMillis(600))).isEmpty();
    }

    @Test
    void fullQueueStopsReadingTcpAndNothingIsLostOncePollingResumes() throws Exception {
        int messages = 40_000;
        String padding = "p".repeat(450);
        TaskDriver driver = start("listen: tcp://127.0.0.1:0\nqueue_max_messages: 100");
        Socket socket = closeLater(new Socket());
        socket.setSendBufferSize(16 * 1024);
        socket.connect(source.boundAddresses().get(0).socketAddress());
        AtomicInteger sent = new AtomicInteger();
        Thread sender = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < messages; i++) {
                    out.write(("<13>1 - h a - - - " + i + " " + padding + "\n").getBytes(StandardCharsets.US_ASCII));
                    sent.incrementAndGet();
                }
                out.flush();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        sender.start();

        await().atMost(WAIT).until(() -> context.gauge("syslog.queue.messages").intValue() >= 100);
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> sender.isAlive()
                && context.gauge("syslog.queue.messages").intValue() <= 100 + 65_536 / 470 + 1);
        assertThat(sent.get()).isLessThan(messages);

        List<SourceRecord> records = driver.pollUntil(messages, Duration.ofSeconds(60));
        sender.join(WAIT.toMillis());

        assertThat(sender.isAlive()).isFalse();
        assertThat(records).hasSize(messages);
        for (int i = 0; i < messages; i++) {
            String value = text(records.get(i).value());
            assertThat(value).as("record %d", i).contains("\"message\":\"" + i + " " + padding + "\"");
        }
    }

    @Test
    void stopHandsOverEveryQueuedRecordAndTheLastLineOfASenderThatClosed() throws Exception {
        TaskDriver driver = start("listen: [\"tcp://127.0.0.1:0\", \"udp://127.0.0.1:0\"]");
        Socket socket = closeLater(new Socket("127.0.0.1", source.boundAddresses().get(0).port()));
        DatagramSocket datagrams = closeLater(new DatagramSocket());
        datagrams.connect(source.boundAddresses().get(1).socketAddress());
        for (int i = 0; i < 50; i++) {
            write(socket, "<13>1 - h tcp - - - " + i + "\n");
            datagrams.send(packet("<13>1 - h udp - - - " + i));
        }
        write(socket, "<13>1 - h tcp - - - unterminated last line");
        socket.shutdownOutput();
        await().atMost(WAIT).until(() -> context.gauge("syslog.queue.messages").intValue() == 101);

        driver.close();

        assertThat(driver.drained()).hasSize(101);
        assertThat(driver.drained()).extracting(record -> text(record.value()))
                .anySatisfy(value -> assertThat(value).contains("\"message\":\"unterminated last line\""));
        await().atMost(WAIT).untilAsserted(() -> assertThat(socket.getInputStream().read()).isEqualTo(-1));
    }

    @Test
    void stopReadsToTheEndWhatASenderWroteBeforeClosingItsPausedConnection() throws Exception {
        TaskDriver driver = start("listen: tcp://127.0.0.1:0\nqueue_max_messages: 100");
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            burst.append("<13>1 - h a - - - ").append(i).append('\n');
        }
        try (Socket socket = new Socket("127.0.0.1", source.boundAddresses().get(0).port())) {
            write(socket, burst.toString());
        }
        await().atMost(WAIT).until(() -> context.gauge("syslog.queue.messages").intValue() >= 100);

        driver.close();

        assertThat(driver.drained()).hasSize(2000);
        assertThat(text(driver.drained().get(1999).value())).contains("\"message\":\"1999\"");
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnce() throws Exception {
        TaskDriver driver = start("listen: tcp://127.0.0.1:0\nmax_connections: 1");
        int port = source.boundAddresses().get(0).port();
        Socket first = closeLater(new Socket("127.0.0.1", port));
        write(first, "<13>1 - h a - - - first\n");
        driver.pollUntil(1, WAIT);

        Socket second = closeLater(new Socket("127.0.0.1", port));
        second.setSoTimeout((int) WAIT.toMillis());

        assertThat(second.getInputStream().read()).isEqualTo(-1);
        assertThat(context.counter("syslog.connections.rejected")).isEqualTo(1);
        assertThat(context.gauge("syslog.connections.open")).isEqualTo(1);
        write(first, "<13>1 - h a - - - still served\n");
        assertThat(text(driver.pollUntil(1, WAIT).get(0).value())).contains("still served");
    }

    @Test
    void badOctetCountClosesTheConnectionAfterTheGoodMessages() throws Exception {
        TaskDriver driver = start("listen: tcp://127.0.0.1:0");
        Socket socket = closeLater(new Socket("127.0.0.1", source.boundAddresses().get(0).port()));
        socket.setSoTimeout((int) WAIT.toMillis());

        write(socket, "20 <13>1 - h a - - - ok<13>1 - h a - - - no length\n");

        assertThat(driver.pollUntil(1, WAIT)).extracting(record -> text(record.value()))
                .allSatisfy(value -> assertThat(value).contains("\"message\":\"ok\""));
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
        assertThat(context.counter("syslog.frames.bad")).isEqualTo(1);
    }

    @Test
    void tlsListenerTakesTlsClientsAndClosesPlainOnes() throws Exception {
        TestCertificate server = TestCertificate.create(dir, "server");
        TaskDriver driver = start("listen: tls://127.0.0.1:0\ntls:\n  cert: " + server.certPem + "\n  key: "
                + server.keyPem);
        int port = source.boundAddresses().get(0).port();

        SSLSocket tls = closeLater((SSLSocket) server.clientContext(server, false).getSocketFactory()
                .createSocket("127.0.0.1", port));
        write(tls, "26 <13>1 - h a - - - over tls");
        List<SourceRecord> records = driver.pollUntil(1, WAIT);

        Socket plain = closeLater(new Socket("127.0.0.1", port));
        plain.setSoTimeout((int) WAIT.toMillis());
        write(plain, "<13>1 - h a - - - in clear text\n");

        assertThat(text(records.get(0).value())).contains("\"message\":\"over tls\"");
        assertClosedByServer(plain);
        await().atMost(WAIT).until(() -> context.counter("syslog.tls.handshakes.failed") == 1);
        assertThat(driver.pollFor(Duration.ofMillis(600))).isEmpty();
        assertThat(context.counter("syslog.tls.messages")).isEqualTo(1);
    }

    @Test
    void mutualTlsRequiresAClientCertificateSignedByClientCa() throws Exception {
        TestCertificate server = TestCertificate.create(dir, "server");
        TestCertificate client = TestCertificate.create(dir, "client");
        TaskDriver driver = start("listen: tls://127.0.0.1:0\ntls:\n  cert: " + server.certPem + "\n  key: "
                + server.keyPem + "\n  client_ca: " + client.certPem);
        int port = source.boundAddresses().get(0).port();

        SSLSocket withCertificate = closeLater((SSLSocket) client.clientContext(server, true).getSocketFactory()
                .createSocket("127.0.0.1", port));
        write(withCertificate, "<13>1 - h a - - - trusted client\n");
        assertThat(text(driver.pollUntil(1, WAIT).get(0).value())).contains("\"message\":\"trusted client\"");

        SSLSocket anonymous = closeLater((SSLSocket) client.clientContext(server, false).getSocketFactory()
                .createSocket("127.0.0.1", port));
        anonymous.setSoTimeout((int) WAIT.toMillis());
        assertThatThrownBy(() -> {
            write(anonymous, "<13>1 - h a - - - anonymous client\n");
            anonymous.getInputStream().read();
        }).isInstanceOf(IOException.class);
        await().atMost(WAIT).until(() -> context.counter("syslog.tls.handshakes.failed") == 1);
        assertThat(driver.pollFor(Duration.ofMillis(600))).isEmpty();
    }

    @Test
    void stopDiscardsAndCountsTheUnfinishedLineOfAConnectionStillOpenAtTheDeadline() throws Exception {
        TaskDriver driver = start("listen: tcp://127.0.0.1:0");
        Socket socket = closeLater(new Socket("127.0.0.1", source.boundAddresses().get(0).port()));
        String unfinished = "<13>1 - h a - - - the sender is still writing th";
        write(socket, "<13>1 - h a - - - complete\n" + unfinished);
        await().atMost(WAIT).until(() -> context.gauge("syslog.connections.buffered_bytes").intValue()
                == unfinished.length());

        driver.close();

        assertThat(driver.drained()).extracting(record -> text(record.value()))
                .singleElement().satisfies(value -> assertThat(value).contains("\"message\":\"complete\""));
        assertThat(context.counter("syslog.messages.discarded_bytes")).isEqualTo(unfinished.length());
        assertThat(context.counter("syslog.stop.unread_bytes")).isZero();
        assertThat(context.gauge("syslog.connections.buffered_bytes").intValue()).isZero();
    }

    @Test
    void stopCountsWhatAPausedConnectionLeftUnreadWhenTheAgentTookNothingBeforeTheDeadline() throws Exception {
        TaskDriver driver = start("listen: tcp://127.0.0.1:0\nqueue_max_messages: 10");
        Socket socket = closeLater(new Socket("127.0.0.1", source.boundAddresses().get(0).port()));
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            burst.append("<13>1 - h a - - - ").append(i).append('\n');
        }
        int sent = burst.length();
        write(socket, burst.toString());
        await().atMost(WAIT).until(() -> context.gauge("syslog.queue.messages").intValue() >= 10);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> context.gauge("syslog.queue.messages").intValue() == 10);
        // As when Kafka is slow: the agent, blocked handing over records, polls again only after the deadline.
        long stoppedAt = System.nanoTime();
        source.stop();
        await().atMost(WAIT).until(() -> System.nanoTime() - stoppedAt > SyslogSource.STOP_READING_NANOS);

        driver.close();

        List<String> messages = driver.drained().stream().map(record -> text(record.value()))
                .map(value -> value.substring(value.indexOf("\"message\":\"") + 11, value.indexOf("\",\"peer\""))).toList();
        assertThat(messages).hasSizeGreaterThan(10).hasSizeLessThan(2000);
        for (int i = 0; i < messages.size(); i++) {
            assertThat(messages.get(i)).isEqualTo(String.valueOf(i));
        }
        long delivered = messages.stream().mapToLong(message -> "<13>1 - h a - - - ".length() + message.length() + 1).sum();
        long unread = context.counter("syslog.stop.unread_bytes");
        assertThat(unread).isPositive();
        assertThat(delivered + context.counter("syslog.messages.discarded_bytes") + unread).isEqualTo(sent);
    }

    @Test
    void tlsSenderThatClosesAfterALastLineWithoutNewlineHasItDelivered() throws Exception {
        TestCertificate server = TestCertificate.create(dir, "server");
        TaskDriver driver = start("listen: tls://127.0.0.1:0\ntls:\n  cert: " + server.certPem + "\n  key: "
                + server.keyPem);
        try (SSLSocket tls = (SSLSocket) server.clientContext(server, false).getSocketFactory()
                .createSocket("127.0.0.1", source.boundAddresses().get(0).port())) {
            write(tls, "<13>1 - h a - - - first\n<13>1 - h a - - - last, without newline");
        }

        assertThat(driver.pollUntil(2, WAIT)).extracting(record -> text(record.value()))
                .anySatisfy(value -> assertThat(value).contains("\"message\":\"last, without newline\""));
        await().atMost(WAIT).until(() -> context.gauge("syslog.connections.open").intValue() == 0);
        assertThat(context.counter("syslog.messages.discarded_bytes")).isZero();
    }

    @Test
    void idleTimeoutClosesASilentConnectionButNotAPausedOne() throws Exception {
        TaskDriver driver = start("listen: tcp://127.0.0.1:0\nidle_timeout: 1s\nqueue_max_messages: 1");
        int port = source.boundAddresses().get(0).port();
        Socket paused = closeLater(new Socket("127.0.0.1", port));
        write(paused, "<13>1 - h a - - - one\n<13>1 - h a - - - two\n<13>1 - h a - - - three\n");
        await().atMost(WAIT).until(() -> context.gauge("syslog.queue.messages").intValue() == 1);
        Socket silent = closeLater(new Socket("127.0.0.1", port));
        silent.setSoTimeout((int) WAIT.toMillis());
        write(silent, "<13>1 - h a - - - half");

        assertThat(silent.getInputStream().read()).isEqualTo(-1);
        await().atMost(WAIT).until(() -> context.counter("syslog.messages.discarded_bytes")
                == "<13>1 - h a - - - half".length());
        assertThat(context.counter("syslog.connections.idle_closed")).isEqualTo(1);
        await().during(Duration.ofMillis(1500)).atMost(WAIT)
                .until(() -> context.gauge("syslog.connections.open").intValue() == 1);
        assertThat(driver.pollUntil(3, WAIT)).extracting(record -> text(record.value()))
                .allSatisfy(value -> assertThat(value).containsPattern("\"message\":\"(one|two|three)\""));
    }

    @Test
    void messagesOfNothingButLineEndsAreCountedAndSkipped() throws Exception {
        TaskDriver driver = start("listen: [\"udp://127.0.0.1:0\", \"tcp://127.0.0.1:0\"]");
        DatagramSocket sender = closeLater(new DatagramSocket());
        Socket octets = closeLater(new Socket("127.0.0.1", source.boundAddresses().get(1).port()));

        send(sender, "");
        send(sender, "\r\n");
        write(octets, "1 \n3 \r\n\u000019 <13>1 - h a - - - x");

        assertThat(driver.pollUntil(1, WAIT)).extracting(record -> text(record.value()))
                .singleElement().satisfies(value -> assertThat(value).contains("\"message\":\"x\""));
        await().atMost(WAIT).until(() -> context.counter("syslog.udp.messages") == 2);
        assertThat(context.counter("syslog.messages.empty")).isEqualTo(4);
        assertThat(context.counter("syslog.tcp.messages")).isEqualTo(3);
    }

    @Test
    void udpDatagramsTheKernelDropsForAFullReceiveBufferAreCounted() throws Exception {
        assumeTrue(KernelSockets.available(), "the kernel's drop count is read from /proc/net/udp");
        TaskDriver driver = start("listen: udp://127.0.0.1:0\nudp_receive_buffer_bytes: 4KiB");
        DatagramSocket sender = closeLater(new DatagramSocket());
        int count = 20_000;
        String padding = "p".repeat(1000);

        for (int i = 0; i < count; i++) {
            send(sender, "<13>1 - h a - - - " + i + " " + padding);
        }
        await().atMost(WAIT).until(() -> context.counter("syslog.udp.messages")
                + context.gauge("syslog.udp.receive_buffer.dropped").longValue() == count);

        assertThat(context.gauge("syslog.udp.receive_buffer.dropped").longValue()).isPositive();
        int queued = (int) (context.counter("syslog.udp.messages") - context.counter("syslog.udp.dropped"));
        assertThat(driver.pollUntil(queued, WAIT)).hasSize(queued);
    }

    @Test
    void aReceiveBufferLargerThanTheSystemGrantsIsLoggedWithWhatItGranted() throws Exception {
        assumeTrue(KernelSockets.available(), "Linux caps receive buffers at net.core.rmem_max");
        long rmemMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max")).get(0).trim());
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.tributary.source.syslog")).addAppender(log);
        try {
            start("listen: udp://127.0.0.1:0\nudp_receive_buffer_bytes: 1GiB");

            // Linux grants at most rmem_max (doubled for its bookkeeping, which Java halves again when it reports it).
            Pattern granted = Pattern.compile("The system granted " + Pattern.quote(source.boundAddresses().get(0).toString())
                    + " a receive buffer of ([0-9]+) bytes, less than udp_receive_buffer_bytes \\(1073741824\\);"
                    + " on Linux, raise net.core.rmem_max to get more");
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(line -> granted.matcher(line).matches()).singleElement()
                    .satisfies(line -> {
                        Matcher matcher = granted.matcher(line);
                        assertThat(matcher.matches()).isTrue();
                        assertThat(Long.parseLong(matcher.group(1))).isEqualTo(rmemMax);
                    });
        } finally {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.tributary.source.syslog")).detachAppender(log);
        }
    }

    @Test
    void manyConnectionsIntoAFullQueueHoldNoMoreThanTheBound() throws Exception {
        int connections = 200;
        int perConnection = 1000;
        int maxMessageBytes = 480;
        TaskDriver driver = start("listen: tcp://127.0.0.1:0\nqueue_max_messages: 100\nqueue_max_bytes: 64KiB\n"
                + "max_message_bytes: " + maxMessageBytes + "\nmax_connections: " + connections);
        List<Thread> senders = new ArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        for (int c = 0; c < connections; c++) {
            Socket socket = closeLater(new Socket("127.0.0.1", source.boundAddresses().get(0).port()));
            String connection = String.valueOf(c);
            Thread sender = new Thread(() -> {
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < perConnection; i++) {
                    lines.append("<13>1 - h c").append(connection).append(" - - - ").append(i).append('\n');
                }
                try {
                    write(socket, lines.toString());
                    finished.incrementAndGet();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            sender.start();
            senders.add(sender);
        }
        await().atMost(WAIT).until(() -> finished.get() == connections);
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(new Callable<Boolean>() {
            private long last = -1;

            @Override
            public Boolean call() {
                long now = context.gauge("syslog.queue.bytes").longValue()
                        + context.gauge("syslog.connections.buffered_bytes").longValue();
                boolean unchanged = now == last;
                last = now;
                return unchanged;
            }
        });

        int queued = context.gauge("syslog.queue.messages").intValue();
        long queuedBytes = context.gauge("syslog.queue.bytes").longValue();
        long buffered = context.gauge("syslog.connections.buffered_bytes").longValue();
        List<SourceRecord> records = driver.pollUntil(connections * perConnection, Duration.ofSeconds(120));
        int largestRecord = records.stream().mapToInt(SourceRecord::sizeInBytes).max().orElseThrow();

        // Each connection adds the record that finds the queue full, then holds at most a partial message and a read.
        assertThat(queued).isLessThanOrEqualTo(100 + connections);
        assertThat(queuedBytes).isLessThanOrEqualTo(64 * 1024 + (long) connections * largestRecord);
        assertThat(buffered).isPositive()
                .isLessThanOrEqualTo((long) connections * (maxMessageBytes + 1 + SyslogConfig.READ_BUFFER_BYTES));
        assertThat(records).hasSize(connections * perConnection);
        for (Thread sender : senders) {
            sender.join(WAIT.toMillis());
        }
    }

    @Test
    void addressInUseFailsStartNamingTheAddress() throws Exception {
        ServerSocket taken = closeLater(new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")));
        int port = taken.getLocalPort();

        assertThatThrownBy(() -> start("listen: tcp://127.0.0.1:" + port))
                .hasRootCauseInstanceOf(BindException.class)
                .hasMessageContaining("cannot listen on tcp://127.0.0.1:" + port + ": ");
    }

    private TaskDriver start(String yaml) {
        YamlSettings settings = YamlSettings.parse("topic: logs.syslog\n" + yaml + "\n");
        SyslogConfig config = SyslogConfig.read(settings);
        assertThat(settings.finish()).isEmpty();
        source = new SyslogSource(config, SyslogParserTest.NOW);
        context = new RecordingSourceContext("syslog", dir.resolve("data"), Map.of());
        TaskDriver driver = TaskDriver.start(source, context);
        toClose.add(driver);
        return driver;
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private void send(DatagramSocket socket, String message) throws IOException {
        DatagramPacket packet = packet(message);
        packet.setSocketAddress(source.boundAddresses().stream()
                .filter(address -> address.transport() == Transport.UDP).findFirst().orElseThrow().socketAddress());
        socket.send(packet);
    }

    private static DatagramPacket packet(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return new DatagramPacket(bytes, bytes.length);
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads until the server closes; a TLS server may answer a plain client with an alert first. */
    private static void assertClosedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                continue;
            }
        } catch (SocketException reset) {
            assertThat(reset).hasMessageContaining("reset");
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
