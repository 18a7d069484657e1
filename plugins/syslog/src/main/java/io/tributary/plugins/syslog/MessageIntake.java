package io.tributary.plugins.syslog;

import io.tributary.api.Checkpoint;
import io.tributary.api.SourceRecord;
import java.util.Arrays;

/** Where the listeners' threads put every complete message: it is counted, made a record and queued. */
final class MessageIntake {
    private final RecordFactory records;
    private final RecordQueue queue;
    private final SyslogMetrics metrics;
    private final ProblemLog problems;
    /** {@code null} without a spool. */
    private final Spool spool;

    MessageIntake(RecordFactory records, RecordQueue queue, Spool spool, SyslogMetrics metrics, ProblemLog problems) {
        this.records = records;
        this.queue = queue;
        this.spool = spool;
        this.metrics = metrics;
        this.problems = problems;
    }

    /** Queues (or spools) a UDP message, or drops and counts it when the queue (and the spool) is full. */
    void datagram(byte[] message, String peer) {
        metrics.received(Transport.UDP, message.length);
        byte[] trimmed = withoutLineEnds(message);
        if (trimmed.length == 0) {
            metrics.emptyMessages.increment();
            return;
        }
        SourceRecord record = records.toRecord(trimmed, peer);
        if (spool == null) {
            if (!queue.offer(record)) {
                metrics.udpDropped.increment();
                problems.warn("udp_dropped", "Dropped a UDP message from " + peer
                        + ": the queue is full (Kafka is slower than the senders)");
            }
            return;
        }
        Spool.Route route = spool.route(record, queue, false);
        if (route == Spool.Route.SPOOLED) {
            metrics.spooled.increment();
        } else if (route == Spool.Route.FULL) {
            metrics.udpDropped.increment();
            metrics.spoolFull.increment();
            problems.warn("udp_dropped", "Dropped a UDP message from " + peer + ": the queue and the spool "
                    + spool.path() + " are full (Kafka is slower than the senders)");
        }
    }

    /**
     * Queues (or spools) a TCP or TLS message; true when the queue (or the spool) is full and the
     * connection must stop reading.
     */
    boolean streamed(Transport transport, byte[] message, String peer) {
        metrics.received(transport, message.length);
        byte[] trimmed = withoutLineEnds(message);
        if (trimmed.length == 0) {
            metrics.emptyMessages.increment();
            return false;
        }
        SourceRecord record = records.toRecord(trimmed, peer);
        if (spool == null) {
            return queue.add(record);
        }
        Spool.Route route = spool.route(record, queue, true);
        if (route != Spool.Route.QUEUE) {
            metrics.spooled.increment();
        }
        if (route == Spool.Route.FULL) {
            metrics.spoolFull.increment();
            return true;
        }
        return false;
    }

    /**
     * Queues a RELP message, not empty, with the checkpoint that lets its session acknowledge it
     * once committed; true when the queue is full and the session must stop reading.
     */
    boolean relp(Transport transport, byte[] message, String peer, Checkpoint checkpoint) {
        return queue.add(records.toRecord(message, peer, checkpoint));
    }

    /** Queues a record that only moves a checkpoint, such as one that forgets a RELP session's stream. */
    void checkpointOnly(Checkpoint checkpoint) {
        queue.add(SourceRecord.checkpointOnly(checkpoint));
    }

    /**
     * The message without the line ends many senders append even where the framing does not need
     * them: to a datagram, or inside an octet count (rsyslog's RSYSLOG_SyslogProtocol23Format).
     */
    static byte[] withoutLineEnds(byte[] message) {
        int end = message.length;
        while (end > 0 && (message[end - 1] == '\n' || message[end - 1] == '\r' || message[end - 1] == 0)) {
            end--;
        }
        return end == message.length ? message : Arrays.copyOf(message, end);
    }

    /** Counts a skipped message; {@code length} is how much of it was seen, so it was at least that long. */
    void oversized(Transport transport, String peer, long length, int maxMessageBytes) {
        metrics.oversized.increment();
        problems.warn("oversized", "Skipped a message over " + transport.scheme() + " from " + peer + ": at least "
                + length + " bytes, more than max_message_bytes (" + maxMessageBytes + ")");
    }

    ProblemLog problems() {
        return problems;
    }

    SyslogMetrics metrics() {
        return metrics;
    }
}
