package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Case 3, UDP: how much of a syslog stream over UDP Tributary loses at 80 % of the highest rate it
 * takes with about no loss. A short ramp of rates finds that rate (the baseline); then a fixed count
 * of messages is sent at 80 % of it, and the loss is 1 − received ÷ sent, counted from what a
 * {@code read_committed} consumer reads back from Kafka, so losses anywhere (the kernel's socket
 * buffer, the source's queue, the agent) count.
 */
final class UdpLossCase {
    private static final String CASE_NAME = "3. syslog UDP loss at 80 % of the measured maximum rate "
            + "(Tributary exactly_once)";
    private static final double LOAD = 0.8;
    private static final double TARGET_LOSS = 0.001;
    /* A ramp step that lost at most 1 message in 10,000 took its rate with "about no" loss. */
    private static final double RAMP_LOSS = 0.0001;
    private static final double RAMP_START_RATE = 1_000;
    private static final double RAMP_FACTOR = 1.4;
    private static final int RAMP_STEPS = 18;
    /* A step sent more slowly than this share of its rate found the sender's limit, not the listener's. */
    private static final double SENDER_SHORTFALL = 0.95;
    /* Once nothing new arrived for this long, what has not arrived is lost: 30 commit intervals. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(30);
    /* Sent and read back before the ramp, at its first rate, so that it measures a warm agent. */
    private static final Duration WARMUP = Duration.ofSeconds(3);
    private static final long PACING_PARK_NANOS = Duration.ofNanos(100_000).toNanos();
    private static final String NUMBER_FIELD = "\"message\":\"message ";

    private final Session session;
    private final Report report;

    UdpLossCase(Session session, Report report) {
        this.session = session;
        this.report = report;
    }

    void run() {
        String target = String.format("loss ≤ %.1f %% at %.2f× the maximum", TARGET_LOSS * 100, LOAD);
        List<Double> maxRates = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> loads = new ArrayList<>();
        boolean senderLimited = false;
        try {
            for (int run = 1; run <= session.scale().runs(); run++) {
                Run result = measure("syslog-udp-r" + run);
                maxRates.add(result.maxRate());
                losses.add(result.loss());
                loads.add(result.rate() / result.maxRate());
                senderLimited |= result.senderLimited();
            }
        } catch (RuntimeException e) {
            report.add(Row.failed(CASE_NAME, target, Figures.firstLine(e)));
            return;
        }
        double loss = Stats.median(losses);
        report.add(Row.measured(CASE_NAME,
                String.format("loss %.3f %%", loss * 100),
                String.format("highest rate of the ramp with ≤ %.2f %% loss: %,.0f msg/s%s", RAMP_LOSS * 100,
                        Stats.median(maxRates), senderLimited ? " (the sender's limit: the listener took all it sent)" : ""),
                Stats.median(loads), target, loss <= TARGET_LOSS));
    }

    /** A run: the ramp's maximum, the rate sent at after it, and the loss at that rate. */
    private record Run(double maxRate, boolean senderLimited, double rate, double loss) {
    }

    private Run measure(String name) {
        String topic = "bench-" + name;
        int port = freeUdpPort();
        session.topics().create(topic);
        String sources = """
                sources:
                  syslog:
                    type: syslog
                    topic: %s
                    listen: ["udp://127.0.0.1:%d"]
                """.formatted(topic, port);
        try (Agent agent = Agent.start(session, session.runDir(name), "bench-" + name, Map.of(), sources,
                session.profile(name));
             DatagramChannel channel = DatagramChannel.open()
                     .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
             Receiver receiver = new Receiver(session.topics().consumer(), topic)) {
            agent.awaitLine("Listening for syslog on udp://", LISTEN_TIMEOUT);
            long kernelDropsBefore = Machine.udpReceiveBufferErrors();
            int warmup = (int) (RAMP_START_RATE * WARMUP.toSeconds());
            send(channel, 0, warmup, RAMP_START_RATE);
            long warmupReceived = receiver.await(0, warmup);
            StringBuilder ramp = new StringBuilder();
            int next = warmup;
            double maxRate = 0;
            boolean senderLimited = false;
            for (int step = 0; step < RAMP_STEPS; step++) {
                double rate = RAMP_START_RATE * Math.pow(RAMP_FACTOR, step);
                int count = (int) (rate * session.scale().udpRampStep().toNanos() / 1e9);
                double sentRate = send(channel, next, count, rate);
                long received = receiver.await(next, count);
                next += count;
                ramp.append(String.format("%s%,.0f → %,d lost", ramp.isEmpty() ? "" : ", ", sentRate, count - received));
                if (1 - (double) received / count > RAMP_LOSS) {
                    break;
                }
                maxRate = sentRate;
                if (sentRate < rate * SENDER_SHORTFALL) {
                    senderLimited = true;
                    break;
                }
            }
            if (maxRate == 0) {
                throw new IllegalStateException(String.format("%s lost more than %.2f %% already at %,.0f msg/s "
                                + "(msg/s sent → messages lost: %s; warm-up %,d of %,d lost; the kernel dropped %,d "
                                + "datagrams for full receive buffers meanwhile, machine-wide)", name, RAMP_LOSS * 100,
                        RAMP_START_RATE, ramp, warmup - warmupReceived, warmup,
                        Machine.udpReceiveBufferErrors() - kernelDropsBefore));
            }
            int count = session.scale().udpMessages();
            double rate = send(channel, next, count, maxRate * LOAD);
            long received = receiver.await(next, count);
            agent.stop();
            double loss = 1 - (double) received / count;
            report.run(String.format("%s: warm-up %,d of %,d lost; ramp (msg/s sent → messages lost): %s; "
                            + "maximum %,.0f msg/s%s; at %,.0f msg/s %,d of %,d lost (%.3f %%); the kernel dropped %,d "
                            + "datagrams for full receive buffers meanwhile (machine-wide); load %s",
                    name, warmup - warmupReceived, warmup, ramp, maxRate, senderLimited ? " (sender-limited)" : "",
                    rate, count - received, count, loss * 100, Machine.udpReceiveBufferErrors() - kernelDropsBefore,
                    Machine.loadAverage()));
            return new Run(maxRate, senderLimited, rate, loss);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot send to udp://127.0.0.1:" + port, e);
        } finally {
            session.topics().delete(topic);
        }
    }

    /**
     * Sends messages {@code first} to {@code first + count - 1} at {@code rate} per second, in bursts
     * of what is due every 0.1 ms or so.
     *
     * @return the rate they went out at, short of {@code rate} when the sender cannot keep up
     */
    private static double send(DatagramChannel channel, int first, int count, double rate) throws IOException {
        long started = System.nanoTime();
        int sent = 0;
        while (sent < count) {
            long due = Math.min(count, (long) ((System.nanoTime() - started) * rate / 1e9) + 1);
            for (; sent < due; sent++) {
                channel.write(ByteBuffer.wrap(SyslogCase.message(first + sent)));
            }
            if (sent < count) {
                LockSupport.parkNanos(PACING_PARK_NANOS);
            }
        }
        return count * 1e9 / Math.max(1, System.nanoTime() - started);
    }

    /** The number N in a record's {@code "message":"message N ..."} field, or -1 when it has none. */
    static int messageNumber(byte[] value) {
        String json = new String(value, StandardCharsets.UTF_8);
        int start = json.indexOf(NUMBER_FIELD);
        if (start < 0) {
            return -1;
        }
        start += NUMBER_FIELD.length();
        int end = start;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return end == start ? -1 : Integer.parseInt(json.substring(start, end));
    }

    private static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free UDP port", e);
        }
    }

    /** Reads the topic as it grows and remembers which message numbers arrived. */
    private static final class Receiver implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final TopicPartition partition;
        private final BitSet arrived = new BitSet();

        Receiver(KafkaConsumer<byte[], byte[]> consumer, String topic) {
            this.consumer = consumer;
            this.partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
        }

        /**
         * Reads until every message {@code first} to {@code first + count - 1} arrived, or nothing
         * new arrived for {@link #QUIET}.
         *
         * @return how many of them arrived, each counted once
         */
        long await(int first, int count) {
            long arrivedInRange = arrived.get(first, first + count).cardinality();
            long grewAt = System.nanoTime();
            while (arrivedInRange < count && System.nanoTime() - grewAt < QUIET.toNanos()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    int number = messageNumber(record.value());
                    if (number < 0) {
                        throw new IllegalStateException("a record of " + partition.topic() + " has no message number: "
                                + new String(record.value(), StandardCharsets.UTF_8));
                    }
                    if (!arrived.get(number)) {
                        arrived.set(number);
                        if (number >= first && number < first + count) {
                            arrivedInRange++;
                            grewAt = System.nanoTime();
                        }
                    }
                }
            }
            return arrivedInRange;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
