package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.testkit.TestAgent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syslog source in the real agent against a real broker, fed by plain Java senders: what a
 * {@code read_committed} consumer sees.
 */
class SyslogIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** UDP has no flow control: a sender that outruns the agent's socket buffer loses datagrams in the kernel. */
    private static final int UDP_WINDOW = 50;

    @TempDir
    Path dir;

    @Test
    void octetCountedAndNewlineFramedTcpMessagesArriveExactlyOnceWithTheirFields() throws IOException {
        int perConnection = 1000;
        try (SyslogAgent agent = SyslogAgent.start(dir, "syslog-tcp", List.of("\"tcp://127.0.0.1:0\""), "")) {
            List<String> expected = new ArrayList<>();
            try (Socket octetCounted = new Socket("127.0.0.1", agent.port("tcp"));
                 Socket newlineFramed = new Socket("127.0.0.1", agent.port("tcp"))) {
                StringBuilder octets = new StringBuilder();
                StringBuilder lines = new StringBuilder();
                for (int seq = 0; seq < perConnection; seq++) {
                    String counted = Messages.withStructuredData(seq, "octet-counted");
                    octets.append(counted.getBytes(StandardCharsets.UTF_8).length).append(' ').append(counted);
                    expected.add(Messages.withStructuredDataJson(seq, "octet-counted", octetCounted.getLocalPort()));
                    lines.append(Messages.withoutStructuredData(seq, "newline")).append('\n');
                    expected.add(Messages.withoutStructuredDataJson(seq, "newline", newlineFramed.getLocalPort()));
                }
                write(octetCounted, octets.toString());
                write(newlineFramed, lines.toString());

                agent.awaitCount(2 * perConnection, WAIT);
            }
            agent.stopGracefully();

            List<ConsumerRecord<byte[], byte[]>> records = agent.readAll();
            Delivered.assertExactlyOnce(values(records), expected);
            assertThat(keys(records)).containsOnly(Messages.HOSTNAME);
        }
    }

    @Test
    void udpMessagesArriveExactlyOnceWithTheirFields() throws IOException {
        int count = 300;
        try (SyslogAgent agent = SyslogAgent.start(dir, "syslog-udp", List.of("\"udp://127.0.0.1:0\""), "");
             DatagramSocket sender = new DatagramSocket()) {
            InetSocketAddress target = agent.address("udp");
            List<String> expected = new ArrayList<>();
            for (int seq = 0; seq < count; seq++) {
                byte[] datagram = Messages.withStructuredData(seq, "udp").getBytes(StandardCharsets.UTF_8);
                sender.send(new DatagramPacket(datagram, datagram.length, target));
                expected.add(Messages.withStructuredDataJson(seq, "udp", sender.getLocalPort()));
                if ((seq + 1) % UDP_WINDOW == 0) {
                    int received = seq + 1;
                    await().atMost(WAIT).until(() -> agent.metric("tributary_syslog_udp_messages_total") >= received);
                }
            }

            agent.awaitCount(count, WAIT);
            agent.stopGracefully();

            Delivered.assertExactlyOnce(values(agent.readAll()), expected);
        }
    }

    @Test
    void tlsListenerAcceptsATlsClientAndRejectsAPlainOne() throws Exception {
        int count = 200;
        TestCertificate server = TestCertificate.create(dir, "server");
        TestCertificate client = TestCertificate.create(dir, "client");
        String tls = "    tls: { cert: \"%s\", key: \"%s\" }\n".formatted(server.certPem, server.keyPem);
        try (SyslogAgent agent = SyslogAgent.start(dir, "syslog-tls", List.of("\"tls://127.0.0.1:0\""), tls)) {
            try (Socket plain = new Socket("127.0.0.1", agent.port("tls"))) {
                write(plain, Messages.withoutStructuredData(-1, "plain") + "\n");
                awaitClosedByPeer(plain);
            }
            await().atMost(WAIT).until(() -> agent.metric("tributary_syslog_tls_handshakes_failed_total") == 1);

            List<String> expected = new ArrayList<>();
            try (SSLSocket secure = (SSLSocket) client.clientContext(server, false).getSocketFactory()
                    .createSocket("127.0.0.1", agent.port("tls"))) {
                secure.startHandshake();
                StringBuilder octets = new StringBuilder();
                for (int seq = 0; seq < count; seq++) {
                    String message = Messages.withStructuredData(seq, "tls");
                    octets.append(message.getBytes(StandardCharsets.UTF_8).length).append(' ').append(message);
                    expected.add(Messages.withStructuredDataJson(seq, "tls", secure.getLocalPort()));
                }
                write(secure, octets.toString());
                agent.awaitCount(count, WAIT);
            }
            agent.stopGracefully();

            Delivered.assertExactlyOnce(values(agent.readAll()), expected);
        }
    }

    @Test
    void mutualTlsTakesAClientWithACertificateSignedByClientCaAndRejectsOthers() throws Exception {
        int count = 100;
        TestCertificate server = TestCertificate.create(dir, "server");
        TestCertificate clientCa = TestCertificate.createAuthority(dir, "clients-ca");
        TestCertificate signed = clientCa.issue(dir, "client");
        TestCertificate selfSigned = TestCertificate.create(dir, "impostor");
        String tls = "    tls: { cert: \"%s\", key: \"%s\", client_ca: \"%s\" }\n"
                .formatted(server.certPem, server.keyPem, clientCa.certPem);
        try (SyslogAgent agent = SyslogAgent.start(dir, "syslog-mtls", List.of("\"tls://127.0.0.1:0\""), tls)) {
            assertRejected(signed.clientContext(server, false), agent.port("tls"));
            assertRejected(selfSigned.clientContext(server, true), agent.port("tls"));
            await().atMost(WAIT).until(() -> agent.metric("tributary_syslog_tls_handshakes_failed_total") == 2);

            List<String> expected = new ArrayList<>();
            try (SSLSocket trusted = (SSLSocket) signed.clientContext(server, true).getSocketFactory()
                    .createSocket("127.0.0.1", agent.port("tls"))) {
                StringBuilder lines = new StringBuilder();
                for (int seq = 0; seq < count; seq++) {
                    lines.append(Messages.withoutStructuredData(seq, "mtls")).append('\n');
                    expected.add(Messages.withoutStructuredDataJson(seq, "mtls", trusted.getLocalPort()));
                }
                write(trusted, lines.toString());
                agent.awaitCount(count, WAIT);
            }
            agent.stopGracefully();

            Delivered.assertExactlyOnce(values(agent.readAll()), expected);
        }
    }

    /** The handshake fails on the client's side too: its first read meets the server's alert or close. */
    private static void assertRejected(SSLContext client, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            assertThatThrownBy(() -> {
                write(socket, Messages.withoutStructuredData(-1, "rejected") + "\n");
                socket.getInputStream().read();
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aGracefulStopRightAfterABurstLosesNoMessageTheSenderWrote() throws IOException {
        int count = 10_000;
        try (SyslogAgent agent = SyslogAgent.start(dir, "syslog-stop", List.of("\"tcp://127.0.0.1:0\""), "")) {
            List<String> expected = new ArrayList<>(count);
            // The agent has read only part of the burst when SIGTERM comes: the rest is in the kernel's buffers.
            try (Socket sender = new Socket("127.0.0.1", agent.port("tcp"))) {
                StringBuilder lines = new StringBuilder();
                for (int seq = 0; seq < count; seq++) {
                    lines.append(Messages.withoutStructuredData(seq, "burst")).append('\n');
                    expected.add(Messages.withoutStructuredDataJson(seq, "burst", sender.getLocalPort()));
                }
                write(sender, lines.toString());
            }
            agent.stopGracefully();

            Delivered.assertExactlyOnceInOrder(values(agent.readAll()), expected);
        }
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads until the agent closes the connection; a read timeout fails the test. */
    private static void awaitClosedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout((int) WAIT.toMillis());
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                continue;
            }
        } catch (SocketException reset) {
            // Closing with unread bytes makes the kernel send a reset instead of an end of stream: closed all the same.
        }
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(record -> new String(record.value(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(record -> new String(record.key(), StandardCharsets.UTF_8)).toList();
    }

    /** Test messages and the JSON the source makes of them. */
    static final class Messages {
        static final String HOSTNAME = "web01.example.com";

        private Messages() {
        }

        /** {@code local4.notice} with structured data naming the sequence number and the sender. */
        static String withStructuredData(int seq, String sender) {
            return "<165>1 2003-10-11T22:14:15.003Z " + HOSTNAME + " billing 4242 ORDER [order@32473 seq=\"" + seq
                    + "\" via=\"" + sender + "\"] " + sender + " message " + seq;
        }

        static String withStructuredDataJson(int seq, String sender, int peerPort) {
            return "{\"timestamp\":\"2003-10-11T22:14:15.003Z\",\"hostname\":\"" + HOSTNAME + "\","
                    + "\"app_name\":\"billing\",\"procid\":\"4242\",\"msgid\":\"ORDER\",\"facility\":\"local4\","
                    + "\"facility_code\":20,\"severity\":\"notice\",\"severity_code\":5,"
                    + "\"structured_data\":{\"order@32473\":{\"seq\":\"" + seq + "\",\"via\":\"" + sender + "\"}},"
                    + "\"message\":\"" + sender + " message " + seq + "\",\"peer\":\"127.0.0.1:" + peerPort + "\"}";
        }

        /** {@code auth.crit} without structured data, process id or message id. */
        static String withoutStructuredData(int seq, String sender) {
            return "<34>1 2024-02-29T23:59:59.5+02:00 " + HOSTNAME + " sshd - - - " + sender + " message " + seq;
        }

        static String withoutStructuredDataJson(int seq, String sender, int peerPort) {
            return "{\"timestamp\":\"2024-02-29T23:59:59.5+02:00\",\"hostname\":\"" + HOSTNAME + "\","
                    + "\"app_name\":\"sshd\",\"procid\":null,\"msgid\":null,\"facility\":\"auth\",\"facility_code\":4,"
                    + "\"severity\":\"crit\",\"severity_code\":2,\"structured_data\":{},"
                    + "\"message\":\"" + sender + " message " + seq + "\",\"peer\":\"127.0.0.1:" + peerPort + "\"}";
        }
    }

    /**
     * In {@code at_least_once} the agent hears of a commit once the broker acknowledged the records,
     * so each RELP answer comes only when its message can be read from Kafka.
     */
    @Test
    void relpInAtLeastOnceAnswersEachMessageOnceTheBrokerHasIt() throws Exception {
        int count = 200;
        try (SyslogAgent agent = SyslogAgent.start(TestAgent.in(dir), Map.of("delivery", "at_least_once"), "relp-alo",
                List.of("\"relp://127.0.0.1:0\""), "");
             RelpTestClient client = new RelpTestClient(agent.port("relp"))) {
            assertThat(client.open().data()).startsWith("200 OK\n");
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add("relp message " + i);
                client.syslog("<13>1 - h app - - - relp message " + i);
            }
            for (int i = 0; i < count; i++) {
                assertThat(client.read(Duration.ofSeconds(30))).isEqualTo(new RelpTestClient.Frame(i + 2, "rsp", "200 OK"));
            }

            // Read at once, without waiting: everything answered is in Kafka already.
            List<String> messages = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : agent.readAll()) {
                String value = new String(record.value(), StandardCharsets.UTF_8);
                messages.add(value.substring(value.indexOf("\"message\":\"") + 11, value.indexOf("\",\"peer\"")));
            }
            Delivered.assertExactlyOnceInOrder(messages, sent);
            agent.stopGracefully();
        }
    }
}
