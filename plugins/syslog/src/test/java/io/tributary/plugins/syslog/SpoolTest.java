package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.api.SourceRecord;
import io.tributary.testkit.TaskDriver;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The disk spool of UDP and TCP messages while the agent takes nothing. */
class SpoolTest extends SourceTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern MESSAGE = Pattern.compile("\"message\":\"([^\"]*)\"");

    @Test
    void whileTheQueueIsFullUdpAndTcpMessagesAreSpooledAndComeOutAfterTheQueueInEachSendersOrder() throws Exception {
        TaskDriver driver = start("queue_max_messages: 5");
        DatagramSocket udp = closeLater(new DatagramSocket());
        Socket tcp = closeLater(new Socket("127.0.0.1", port(Transport.TCP)));

        List<String> udpSent = new ArrayList<>();
        List<String> tcpSent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            udpSent.add("udp " + i);
            send(udp, "<13>1 - h app - - - udp " + i);
            tcpSent.add("tcp " + i);
            write(tcp, "<13>1 - h app - - - tcp " + i + "\n");
        }
        await().atMost(WAIT).until(() -> context.counter("syslog.udp.messages") == 50
                && context.counter("syslog.tcp.messages") == 50);
        assertThat(context.counter("syslog.spool.spooled")).isGreaterThanOrEqualTo(90);
        await().atMost(WAIT).until(() -> Files.size(dir.resolve("spool").resolve(Spool.FILE_NAME)) > 0);

        List<SourceRecord> records = driver.pollUntil(100, WAIT);
        driver.commitAll();

        assertThat(messages(records, "udp")).isEqualTo(udpSent);
        assertThat(messages(records, "tcp")).isEqualTo(tcpSent);
        assertThat(context.counter("syslog.udp.dropped")).isZero();
        assertThat(context.gauge("syslog.spool.messages")).isEqualTo(0L);
        assertThat(context.gauge("syslog.spool.bytes")).isEqualTo(0L);
    }

    @Test
    void whatTheSpoolHeldAtAStopIsSentFirstOnTheNextStartAndRemovedOnceCommitted() throws Exception {
        TaskDriver first = start("queue_max_messages: 1");
        Socket tcp = new Socket("127.0.0.1", port(Transport.TCP));
        for (int i = 0; i < 30; i++) {
            write(tcp, "<13>1 - h app - - - before " + i + "\n");
        }
        await().atMost(WAIT).until(() -> context.counter("syslog.tcp.messages") == 30);
        tcp.close();
        first.close();
        assertThat(messages(first.drained(), "before")).as("the queue was handed over at the stop")
                .containsExactly("before 0");

        TaskDriver second = start("queue_max_messages: 1");
        assertThat(context.gauge("syslog.spool.messages")).isEqualTo(29L);
        List<SourceRecord> records = second.pollUntil(29, WAIT);
        assertThat(messages(records, "before")).containsExactlyElementsOf(
                java.util.stream.IntStream.range(1, 30).mapToObj(i -> "before " + i).toList());
        assertThat(context.gauge("syslog.spool.messages")).as("not removed before the commit").isEqualTo(29L);
        second.commitAll();
        assertThat(context.gauge("syslog.spool.messages")).isEqualTo(0L);
    }

    @Test
    void aFullSpoolDropsUdpAndPausesTcpCountedAndTheTcpMessagesAllComeAfterwards() throws Exception {
        TaskDriver driver = start("queue_max_messages: 1\nspool: { max_bytes: 1MiB }");
        Socket tcp = closeLater(new Socket("127.0.0.1", port(Transport.TCP)));
        DatagramSocket udp = closeLater(new DatagramSocket());
        String padding = "x".repeat(60_000);
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < 40; i++) {
                    write(tcp, "<13>1 - h app - - - big " + i + " " + padding + "\n");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        await().atMost(WAIT).until(() -> context.counter("syslog.spool.full") == 1);
        send(udp, "<13>1 - h app - - - dropped");
        await().atMost(WAIT).until(() -> context.counter("syslog.udp.dropped") == 1);
        assertThat(context.counter("syslog.spool.full")).isEqualTo(2);

        List<SourceRecord> records = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            records.addAll(driver.pollFor(Duration.ofMillis(100)));
            driver.commitAll();
            return records.size() == 40;
        });
        writer.join(WAIT.toMillis());
        assertThat(messages(records, "big")).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 40).mapToObj(i -> "big " + i + " " + padding).toList());
    }

    private TaskDriver start(String yaml) {
        String settings = "topic: logs.syslog\nlisten: [\"udp://127.0.0.1:0\", \"tcp://127.0.0.1:0\"]\n" + yaml + "\n"
                + (yaml.contains("spool:") ? "" : "spool: {}\n");
        return startSource(settings.substring("topic: logs.syslog\n".length()).replace("spool: {",
                "spool: { dir: " + dir.resolve("spool") + (yaml.contains("spool: { max") ? ", " : "")), Map.of());
    }

    private int port(Transport transport) {
        return source.boundAddresses().stream().filter(address -> address.transport() == transport).findFirst()
                .orElseThrow().port();
    }

    private void send(DatagramSocket socket, String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        DatagramPacket packet = new DatagramPacket(bytes, bytes.length);
        packet.setSocketAddress(new java.net.InetSocketAddress("127.0.0.1", port(Transport.UDP)));
        socket.send(packet);
    }

    private static void write(Socket socket, String text) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The {@code message} fields that start with {@code prefix}, in record order. */
    private static List<String> messages(List<SourceRecord> records, String prefix) {
        List<String> messages = new ArrayList<>();
        for (SourceRecord record : records) {
            if (record.value() == null) {
                continue;
            }
            Matcher matcher = MESSAGE.matcher(new String(record.value(), StandardCharsets.UTF_8));
            if (matcher.find() && matcher.group(1).startsWith(prefix)) {
                messages.add(matcher.group(1));
            }
        }
        return messages;
    }
}
