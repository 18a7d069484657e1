package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.TestAgent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk spool through a broker outage, with the agent on a broker of its own. */
class SyslogSpoolIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** How long the broker stays down; the faults-long profile makes it the 60 s. */
    private static final Duration OUTAGE = Duration.ofSeconds(Integer.getInteger("tributary.outage.seconds", 10));
    private static final int PER_SECOND = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aBrokerOutageLosesNoUdpOrTcpMessageWithASpoolAndKeepsEachSendersOrder() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start();
             SyslogAgent agent = SyslogAgent.start(TestAgent.in(dir, broker), Map.of("max_in_flight_bytes", "1MiB"),
                     "spool-outage", List.of("\"udp://127.0.0.1:0\"", "\"tcp://127.0.0.1:0\""), """
                         queue_max_messages: 100
                         spool: { max_bytes: 64MiB }
                     """)) {
            AtomicBoolean sending = new AtomicBoolean(true);
            List<String> udpSent = new ArrayList<>();
            List<String> tcpSent = new ArrayList<>();
            InetSocketAddress udpAddress = agent.address("udp");
            Socket tcpSocket = new Socket("127.0.0.1", agent.port("tcp"));
            Thread senders = new Thread(() -> send(udpAddress, tcpSocket, udpSent, tcpSent, sending), "senders");
            senders.start();

            agent.awaitCount(1000, WAIT);
            broker.stop();
            await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10))
                    .until(() -> agent.metric("tributary_syslog_udp_dropped_total") == 0);
            assertThat(agent.metric("tributary_syslog_spool_spooled_total")).as("messages spooled during the outage")
                    .isGreaterThan(PER_SECOND * OUTAGE.toSeconds() / 2);
            broker.restart();
            int afterOutage = size(udpSent) + 2 * PER_SECOND;
            await().atMost(WAIT).until(() -> size(udpSent) >= afterOutage);
            sending.set(false);
            senders.join(WAIT.toMillis());
            tcpSocket.close();

            int total;
            synchronized (udpSent) {
                total = udpSent.size() + tcpSent.size();
            }
            agent.awaitCount(total, WAIT);
            double spooled = agent.metric("tributary_syslog_spool_spooled_total");
            agent.stopGracefully();

            List<String> messages = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : agent.readAll()) {
                messages.add(JSON.readTree(record.value()).get("message").asText());
            }
            Delivered.assertExactlyOnceInOrder(messages.stream().filter(m -> m.startsWith("udp ")).toList(), udpSent);
            Delivered.assertExactlyOnceInOrder(messages.stream().filter(m -> m.startsWith("tcp ")).toList(), tcpSent);
            assertThat(messages).hasSize(total);
            System.out.printf("spool through a %d s outage: %d UDP and %d TCP messages, %.0f spooled, none dropped%n",
                    OUTAGE.toSeconds(), udpSent.size(), tcpSent.size(), spooled);
        }
    }

    /**
     * Sends "udp N" over UDP and "tcp N" over TCP, {@link #PER_SECOND} of each a second at a steady
     * pace, until {@code sending} turns false; records each once sent.
     */
    private static void send(InetSocketAddress udpAddress, Socket tcpSocket, List<String> udpSent, List<String> tcpSent,
                             AtomicBoolean sending) {
        try (DatagramSocket udp = new DatagramSocket()) {
            OutputStream tcp = tcpSocket.getOutputStream();
            long next = System.nanoTime();
            for (int n = 0; sending.get(); n++) {
                byte[] datagram = ("<13>1 - h app - - - udp " + n).getBytes(StandardCharsets.UTF_8);
                udp.send(new DatagramPacket(datagram, datagram.length, udpAddress));
                tcp.write(("<13>1 - h app - - - tcp " + n + "\n").getBytes(StandardCharsets.UTF_8));
                tcp.flush();
                synchronized (udpSent) {
                    udpSent.add("udp " + n);
                    tcpSent.add("tcp " + n);
                }
                next += TimeUnit.SECONDS.toNanos(1) / PER_SECOND;
                TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int size(List<String> sent) {
        synchronized (sent) {
            return sent.size();
        }
    }
}
