package io.tributary.plugins.syslog;

import io.tributary.api.PluginMetrics;
import io.tributary.api.PluginMetrics.Counter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** The metrics of one syslog source; names as the module's README lists them. */
final class SyslogMetrics {
    private final Map<Transport, Counter> messages = new EnumMap<>(Transport.class);
    private final Map<Transport, Counter> bytes = new EnumMap<>(Transport.class);
    final Counter parseErrors;
    final Counter oversized;
    final Counter badFrames;
    final Counter udpDropped;
    final Counter connectionsRejected;
    final Counter tlsHandshakesFailed;
    final Counter emptyMessages;
    final Counter discardedBytes;
    final Counter stopUnreadBytes;
    final Counter connectionsIdleClosed;
    final Counter relpRefused;
    final Counter relpResent;
    final Counter spooled;
    final Counter spoolFull;
    /** What the TCP and TLS connections hold of messages not handed on yet; their decoders keep it. */
    final LongAdder connectionBufferedBytes = new LongAdder();

    SyslogMetrics(PluginMetrics metrics, RecordQueue queue, Supplier<Number> openConnections) {
        for (Transport transport : Transport.values()) {
            String name = transport.metricName();
            messages.put(transport, metrics.counter("syslog." + name + ".messages",
                    "Messages received over " + transport.scheme() + ", unparseable ones included"));
            bytes.put(transport, metrics.counter("syslog." + name + ".bytes",
                    "Bytes of the messages received over " + transport.scheme() + ", framing excluded"));
        }
        parseErrors = metrics.counter("syslog.parse.errors",
                "Messages that did not parse, kept as raw text with a parse_error field");
        oversized = metrics.counter("syslog.messages.oversized",
                "Messages longer than max_message_bytes, skipped");
        badFrames = metrics.counter("syslog.frames.bad",
                "TCP/TLS streams that could not be framed any more, closed");
        udpDropped = metrics.counter("syslog.udp.dropped",
                "UDP messages dropped because the queue was full");
        connectionsRejected = metrics.counter("syslog.connections.rejected",
                "TCP/TLS connections closed at once because max_connections were open");
        tlsHandshakesFailed = metrics.counter("syslog.tls.handshakes.failed",
                "TLS connections closed because the handshake failed");
        emptyMessages = metrics.counter("syslog.messages.empty",
                "Messages with nothing but line ends (a datagram or an octet-counted frame), skipped");
        discardedBytes = metrics.counter("syslog.messages.discarded_bytes",
                "Bytes of unfinished messages dropped because this side closed their TCP/TLS connection");
        stopUnreadBytes = metrics.counter("syslog.stop.unread_bytes",
                "Bytes senders had sent that were still unread in the kernel when a stop closed their connections");
        connectionsIdleClosed = metrics.counter("syslog.connections.idle_closed",
                "TCP/TLS connections closed because nothing came for idle_timeout");
        relpRefused = metrics.counter("syslog.relp.refused",
                "RELP commands answered 500: a message over max_message_bytes, or sent before open offered syslog");
        relpResent = metrics.counter("syslog.relp.resent",
                "RELP messages a sender sent again on a new session although they had committed: duplicates in Kafka");
        spooled = metrics.counter("syslog.spool.spooled",
                "UDP/TCP/TLS messages written to the disk spool because the queue was full or the spool not yet drained");
        spoolFull = metrics.counter("syslog.spool.full",
                "Messages that found the spool at max_bytes: UDP ones dropped, TCP/TLS connections paused");
        metrics.gauge("syslog.connections.buffered_bytes",
                "Bytes the TCP/TLS connections hold of messages not queued yet", connectionBufferedBytes::sum);
        metrics.gauge("syslog.connections.open", "TCP/TLS connections open", openConnections);
        metrics.gauge("syslog.queue.messages", "Messages received and not yet handed to the agent", queue::size);
        metrics.gauge("syslog.queue.bytes", "Bytes of the records in the queue", queue::bytes);
    }

    /** Only with a spool. */
    void spool(PluginMetrics metrics, Spool spool) {
        metrics.gauge("syslog.spool.bytes", "Bytes in the disk spool", spool::bytes);
        metrics.gauge("syslog.spool.messages", "Messages in the disk spool, those sent and not yet committed included",
                spool::messages);
    }

    /** Only with a RELP listener. */
    void relpUnacknowledged(PluginMetrics metrics, Supplier<Number> unacknowledged) {
        metrics.gauge("syslog.relp.unacknowledged",
                "RELP messages received and not acknowledged yet: their senders keep them until they commit", unacknowledged);
    }

    /** Only where the kernel tells (Linux), and only with a UDP listener. */
    void udpReceiveBufferDrops(PluginMetrics metrics, Supplier<Number> drops) {
        metrics.gauge("syslog.udp.receive_buffer.dropped",
                "UDP messages the kernel dropped because the receive buffer (udp_receive_buffer_bytes) was full", drops);
    }

    void received(Transport transport, int messageBytes) {
        messages.get(transport).increment();
        bytes.get(transport).increment(messageBytes);
    }
}
