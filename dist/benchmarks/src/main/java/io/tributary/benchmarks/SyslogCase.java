package io.tributary.benchmarks;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Case 3: RFC 5424 messages over one TCP connection (newline framing) into Kafka, by Tributary's
 * syslog source and by rsyslog's {@code imptcp} and {@code omkafka} writing the same JSON fields,
 * in batches of up to the same size. Case 3b: the same over one RELP session, into Tributary's
 * {@code relp://} listener and into rsyslog's {@code imrelp}, from {@link RelpSender}. Each contender,
 * just started, first gets as many messages as are measured later: its cold rate, what a restarted
 * receiver manages. Then warm-up messages that are not measured, and then the measured ones: a
 * daemon's rate is its steady state, and the agent's JIT compilers take seconds of both cores to get there.
 *
 * <p>Each run also reports the CPU time the contender and the broker used for the measured
 * messages: on two cores that all processes share, a contender's rate follows what it and the
 * broker spend on each message.
 */
final class SyslogCase {
    /** How the messages reach the contenders. */
    enum Protocol {
        TCP("Tributary syslog", "rsyslog imptcp → omkafka", "3. syslog TCP → Kafka vs rsyslog", "tcp", """
                module(load="imptcp")
                input(type="imptcp" address="127.0.0.1" port="%2$d" ruleset="toKafka")
                """),
        /**
         * imrelp acknowledges a message once rsyslog queued it; Tributary once its Kafka transaction
         * committed, so the sender's window and the commit interval bound its rate.
         */
        RELP("Tributary syslog relp://", "rsyslog imrelp → omkafka", "3b. syslog RELP → Kafka vs rsyslog (one session, "
                + "window " + RelpSender.WINDOW + "; imrelp acknowledges on receipt, Tributary after the Kafka commit)",
                "relp", """
                module(load="imrelp")
                input(type="imrelp" address="127.0.0.1" port="%2$d" ruleset="toKafka")
                """);

        final String tributary;
        final String rsyslog;
        final String caseName;
        final String scheme;
        final String rsyslogInput;

        Protocol(String tributary, String rsyslog, String caseName, String scheme, String rsyslogInput) {
            this.tributary = tributary;
            this.rsyslog = rsyslog;
            this.caseName = caseName;
            this.scheme = scheme;
            this.rsyslogInput = rsyslogInput;
        }
    }

    static final String TRIBUTARY = Protocol.TCP.tributary;
    static final String RSYSLOG = Protocol.TCP.rsyslog;

    /**
     * librdkafka's default {@code batch.size}, which omkafka runs with; Tributary's producer gets
     * it too, so that both write batches of up to the same size.
     */
    private static final int LIBRDKAFKA_BATCH_SIZE = 1_000_000;
    private static final String CASE_SETTINGS = " (Tributary exactly_once with kafka.producer batch.size "
            + LIBRDKAFKA_BATCH_SIZE + "; omkafka at librdkafka's defaults, not transactional)";
    private static final String TARGET = "≥ 1.00×";
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(30);
    private static final int MESSAGE_BYTES = 200;

    /*
     * The fields of Tributary's syslog JSON, so that both sides parse the message and write about the
     * same bytes.
     */
    private static final String RSYSLOG_CONFIG = """
            global(workDirectory="%1$s")
            %5$s
            module(load="omkafka")
            template(name="tributaryJson" type="list" option.jsonf="on") {
              property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
              property(outname="hostname" name="hostname" format="jsonf")
              property(outname="app_name" name="app-name" format="jsonf")
              property(outname="procid" name="procid" format="jsonf")
              property(outname="msgid" name="msgid" format="jsonf")
              property(outname="facility" name="syslogfacility-text" format="jsonf")
              property(outname="severity" name="syslogseverity-text" format="jsonf")
              property(outname="structured_data" name="structured-data" format="jsonf")
              property(outname="message" name="msg" format="jsonf")
              property(outname="peer" name="fromhost-ip" format="jsonf")
            }
            ruleset(name="toKafka") {
              action(type="omkafka" broker=["%3$s"] topic="%4$s" template="tributaryJson")
            }
            """;

    private final Session session;
    private final Report report;
    private final Protocol protocol;

    SyslogCase(Session session, Report report, Protocol protocol) {
        this.session = session;
        this.report = report;
        this.protocol = protocol;
    }

    void run() {
        int messages = session.scale().syslogMessages();
        String missingRsyslog = missingRsyslog();
        if (missingRsyslog == null) {
            report.describe("rsyslog", rsyslogVersion());
        }
        Figures warm = new Figures();
        Figures cold = new Figures();
        List<Figures> both = List.of(warm, cold);
        for (int run = 1; run <= session.scale().runs(); run++) {
            String suffix = "r" + run;
            Figures.measure(protocol.tributary, both, () -> tributary(messages, suffix));
            if (missingRsyslog == null) {
                Figures.measure(protocol.rsyslog, both, () -> rsyslog(messages, suffix));
            }
        }
        String caseName = protocol.caseName + CASE_SETTINGS;
        String coldCaseName = protocol.caseName + ", cold (just started, no warm-up; first append → last)";
        if (missingRsyslog != null) {
            report.add(Row.skipped(caseName, TARGET, missingRsyslog));
            report.add(Row.skipped(coldCaseName, "–", missingRsyslog));
            return;
        }
        Figures.Format format = figure -> String.format("%,.0f msg/s", figure);
        report.add(warm.compare(caseName, protocol.tributary, protocol.rsyslog, 1.0, format));
        report.add(cold.show(coldCaseName, protocol.tributary, protocol.rsyslog, format));
    }

    /** Tributary's warm and cold rates. */
    private double[] tributary(int messages, String suffix) {
        String name = "syslog-" + protocol.scheme + "-" + suffix;
        String topic = "bench-" + name;
        int port = FileThroughputCase.freePort();
        session.topics().create(topic);
        String sources = """
                sources:
                  syslog:
                    type: syslog
                    topic: %s
                    listen: ["%s://127.0.0.1:%d"]
                    framing: newline
                """.formatted(topic, protocol.scheme, port);
        try (Agent agent = Agent.start(session, session.runDir(name), "bench-" + name, Map.of(),
                Map.of(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(LIBRDKAFKA_BATCH_SIZE)), sources,
                session.profile(name))) {
            Delivery cold = sendCold(port, topic, messages);
            long from = warmUp(port, topic, cold.endOffset());
            Cpu cpu = Cpu.start(agent.pid());
            send(port, messages);
            Delivery delivery = session.topics().await(topic, from, messages, STALL);
            String used = cpu.used(messages);
            agent.stop();
            return noteRun(name, cold, delivery, messages, used);
        } finally {
            session.topics().delete(topic);
        }
    }

    /** rsyslog's warm and cold rates. */
    private double[] rsyslog(int messages, String suffix) {
        String name = "rsyslog-" + protocol.scheme + "-" + suffix;
        String topic = "bench-" + name;
        Path dir = session.runDir(name);
        int port = FileThroughputCase.freePort();
        Path config = dir.resolve("rsyslog.conf");
        writeConfig(config, dir, port, topic);
        session.topics().create(topic);
        try (Child rsyslogd = Child.start(RSYSLOG, dir.resolve("output.log"), List.of(
                "rsyslogd", "-n", "-f", config.toString(), "-i", dir.resolve("rsyslogd.pid").toString()))) {
            Delivery cold;
            long from;
            Cpu cpu;
            Delivery delivery;
            try {
                cold = sendCold(port, topic, messages);
                from = warmUp(port, topic, cold.endOffset());
                cpu = Cpu.start(rsyslogd.pid());
                send(port, messages);
                rsyslogd.requireAlive();
                delivery = session.topics().await(topic, from, messages, STALL);
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "; " + rsyslogd.logTail(), e);
            }
            return noteRun(name, cold, delivery, messages, cpu.used(messages));
        } finally {
            session.topics().delete(topic);
        }
    }

    /**
     * Sends {@code messages} to a receiver that has just started, before any warm-up, and waits
     * until they are in Kafka: its cold rate, first append to last.
     */
    private Delivery sendCold(int port, String topic, int messages) {
        send(port, messages);
        return session.topics().await(topic, messages, STALL);
    }

    /**
     * Sends the warm-up messages after those before {@code fromOffset} and waits until they are in
     * Kafka, so that what is measured next is the receiver's steady state; returns the offset the
     * measured messages start at.
     */
    private long warmUp(int port, String topic, long fromOffset) {
        int warmUp = session.scale().syslogWarmUpMessages();
        if (protocol == Protocol.RELP) {
            // A tenth: a RELP session's rate is bounded by its window, and the JIT is warm well before.
            warmUp /= 10;
        }
        send(port, warmUp);
        return session.topics().await(topic, fromOffset, warmUp, STALL).endOffset();
    }

    /** Why rsyslog with omkafka cannot run here, or null when it can: checked by rsyslogd itself. */
    private String missingRsyslog() {
        Path dir = session.runDir("rsyslog-check");
        Path config = dir.resolve("rsyslog.conf");
        writeConfig(config, dir, FileThroughputCase.freePort(), "check");
        try (Child check = Child.start("rsyslogd -N1", dir.resolve("output.log"),
                List.of("rsyslogd", "-N1", "-f", config.toString()))) {
            check.awaitSuccess(Duration.ofSeconds(30));
            return null;
        } catch (RuntimeException e) {
            return "needs the Debian package rsyslog-kafka" + (protocol == Protocol.RELP ? " and rsyslog-relp" : "")
                    + " (apt-get install rsyslog-kafka rsyslog-relp; they bring rsyslog): "
                    + "rsyslogd with omkafka is not usable here: " + Figures.firstLine(e);
        }
    }

    /** The first line of {@code rsyslogd -v}, e.g. "rsyslogd  8.2302.0 (aka 2023.02) compiled with:". */
    static String rsyslogVersion() {
        String line = Machine.firstLineOf(List.of("rsyslogd", "-v"));
        return line == null ? "unknown (rsyslogd -v failed)" : line.replaceAll("\\s+", " ").replace(" compiled with:", "");
    }

    private void writeConfig(Path config, Path dir, int port, String topic) {
        try {
            Files.writeString(config, RSYSLOG_CONFIG.formatted(dir, port, session.bootstrapServers(), topic,
                    protocol.rsyslogInput.formatted(dir, port)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
    }

    /** Sends {@code count} messages as fast as the receiver reads (over RELP: acknowledges) them, once it listens. */
    private void send(int port, int count) {
        if (protocol == Protocol.RELP) {
            RelpSender.send(port, count, LISTEN_TIMEOUT);
            return;
        }
        long deadline = System.nanoTime() + LISTEN_TIMEOUT.toNanos();
        while (true) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                 OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16)) {
                for (int number = 0; number < count; number++) {
                    out.write(message(number));
                }
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("nothing listens on 127.0.0.1:" + port + " after "
                            + LISTEN_TIMEOUT.toSeconds() + " s", e);
                }
                Topics.sleep(Duration.ofMillis(100));
            }
        }
    }

    /** An RFC 5424 message of {@link #MESSAGE_BYTES} bytes, newline included. */
    static byte[] message(int number) {
        String head = "<134>1 2024-05-01T12:00:00.000Z web-1 checkout 4242 ORDER - message " + number + " ";
        byte[] bytes = new byte[MESSAGE_BYTES];
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(headBytes, 0, bytes, 0, headBytes.length);
        for (int i = headBytes.length; i < MESSAGE_BYTES - 1; i++) {
            bytes[i] = (byte) ('a' + (number + i) % 26);
        }
        bytes[MESSAGE_BYTES - 1] = '\n';
        return bytes;
    }

    private double[] noteRun(String name, Delivery cold, Delivery delivery, int expected, String cpu) {
        report.run(String.format("%s: %,.0f msg/s, %d of %d messages in %.2f s between first and last append; %s; "
                        + "cold (just started): %,.0f msg/s, %d messages in %.2f s; load %s",
                name, delivery.recordsPerSecond(), delivery.records(), expected,
                (delivery.lastAppendMillis() - delivery.firstAppendMillis()) / 1000.0, cpu, cold.recordsPerSecond(),
                cold.records(), (cold.lastAppendMillis() - cold.firstAppendMillis()) / 1000.0, Machine.loadAverage()));
        return new double[] {delivery.recordsPerSecond(), cold.recordsPerSecond()};
    }

    /** The CPU time a contender and the broker used until then, taken before the measured messages. */
    private record Cpu(long pid, Duration contender, long brokerPid, Duration broker) {
        static Cpu start(long pid) {
            long brokerPid = CpuTime.brokerPid();
            return new Cpu(pid, CpuTime.of(pid), brokerPid, CpuTime.of(brokerPid));
        }

        /** What each used since, per million of the {@code messages} measured. */
        String used(int messages) {
            double perMillion = 1_000_000.0 / messages;
            return String.format("CPU per million messages: contender %.2f s, broker %.2f s",
                    seconds(CpuTime.of(pid).minus(contender)) * perMillion,
                    seconds(CpuTime.of(brokerPid).minus(broker)) * perMillion);
        }

        private static double seconds(Duration duration) {
            return duration.toMillis() / 1000.0;
        }
    }
}
