package io.tributary.plugins.syslog;

import io.tributary.api.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The settings of one {@code syslog} source, checked. The defaults live here and nowhere else; the
 * module's README and sample.yaml repeat them.
 *
 * @param idleTimeout {@code null} when off: silent connections stay open
 * @param tlsClientCa {@code null} unless clients must present a certificate signed by it
 * @param spool       {@code null} when off
 */
record SyslogConfig(
        String topic,
        List<ListenAddress> listen,
        Format format,
        Framing framing,
        int maxMessageBytes,
        int maxConnections,
        RecordKey key,
        ZoneId timezone,
        long queueMaxBytes,
        int queueMaxMessages,
        int udpReceiveBufferBytes,
        Duration idleTimeout,
        Path tlsCert,
        Path tlsKey,
        Path tlsClientCa,
        SpoolSettings spool) {

    /**
     * The {@code spool} section.
     *
     * @param dir {@code null}: the source's folder under {@code agent.data_dir}
     */
    record SpoolSettings(Path dir, long maxBytes) {
    }

    static final String DEFAULT_FORMAT = "auto";
    static final String DEFAULT_FRAMING = "auto";
    static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    /**
     * rsyslog's imtcp default (MaxSessions); with the other defaults it keeps what the source may
     * hold (see {@link #memoryBoundBytes}) under a third of the launcher's 128 MiB heap.
     */
    static final int DEFAULT_MAX_CONNECTIONS = 200;
    static final String DEFAULT_KEY = "hostname";
    static final String LOCAL_TIMEZONE = "local";
    static final long DEFAULT_QUEUE_MAX_BYTES = 8L * 1024 * 1024;
    static final int DEFAULT_QUEUE_MAX_MESSAGES = 10_000;
    /** Holds a burst of thousands of typical datagrams while the event loop is busy elsewhere. */
    static final int DEFAULT_UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
    static final int MIN_UDP_RECEIVE_BUFFER_BYTES = 4 * 1024;
    static final int MAX_UDP_RECEIVE_BUFFER_BYTES = 1024 * 1024 * 1024;
    /**
     * Off by default, as in rsyslog's imtcp, Vector and Telegraf: senders keep quiet connections open
     * for hours, and a plain TCP sender may lose the message it writes into a connection the
     * receiver closed before it notices.
     */
    static final String IDLE_TIMEOUT_OFF = "off";
    static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(1);
    /**
     * The most a connection reads at once. Syslog lines are short, so 16 KiB reads cost little more
     * CPU than Netty's default of up to 64 KiB, and hold a quarter of the memory per connection.
     */
    static final int READ_BUFFER_BYTES = 16 * 1024;

    static final long DEFAULT_SPOOL_MAX_BYTES = 1024L * 1024 * 1024;
    static final long MIN_SPOOL_MAX_BYTES = 1024L * 1024;

    /** RFC 5424 §6.1: every receiver must take messages of 480 bytes. */
    static final int MIN_MESSAGE_BYTES = 480;
    /** Above this, one connection's partial message could hold more memory than a sane queue. */
    static final int MAX_MESSAGE_BYTES_LIMIT = 16 * 1024 * 1024;

    /** Reads every key of a {@code syslog} source, reporting each problem through {@code settings}. */
    static SyslogConfig read(Settings settings) {
        String topic = settings.getRequiredString("topic");
        List<ListenAddress> listen = readListen(settings);
        Format format = Format.ofSettingValue(settings.getChoice("format", DEFAULT_FORMAT, Format.settingValues()));
        Framing framing = Framing.ofSettingValue(
                settings.getChoice("framing", DEFAULT_FRAMING, Framing.settingValues()));
        long maxMessageBytes = settings.getSize("max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES);
        if (maxMessageBytes < MIN_MESSAGE_BYTES || maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT) {
            settings.error("max_message_bytes", "must be from " + MIN_MESSAGE_BYTES + " bytes to 16MiB, got "
                    + maxMessageBytes + " bytes");
            maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        }
        int maxConnections = settings.getInt("max_connections", DEFAULT_MAX_CONNECTIONS);
        if (maxConnections < 1) {
            settings.error("max_connections", "must be at least 1, got " + maxConnections);
            maxConnections = DEFAULT_MAX_CONNECTIONS;
        }
        RecordKey key = RecordKey.ofSettingValue(settings.getChoice("key", DEFAULT_KEY, RecordKey.settingValues()));
        ZoneId timezone = readTimezone(settings);
        long queueMaxBytes = settings.getSize("queue_max_bytes", DEFAULT_QUEUE_MAX_BYTES);
        if (queueMaxBytes < maxMessageBytes) {
            settings.error("queue_max_bytes", "must be at least max_message_bytes (" + maxMessageBytes
                    + " bytes), got " + queueMaxBytes + " bytes");
            queueMaxBytes = Math.max(DEFAULT_QUEUE_MAX_BYTES, maxMessageBytes);
        }
        int queueMaxMessages = settings.getInt("queue_max_messages", DEFAULT_QUEUE_MAX_MESSAGES);
        if (queueMaxMessages < 1) {
            settings.error("queue_max_messages", "must be at least 1, got " + queueMaxMessages);
            queueMaxMessages = DEFAULT_QUEUE_MAX_MESSAGES;
        }
        int udpReceiveBufferBytes = readUdpReceiveBuffer(settings, listen);
        Duration idleTimeout = readIdleTimeout(settings);

        boolean tlsListener = listen.stream().anyMatch(address -> address.transport().isTls());
        boolean tlsSet = settings.has("tls");
        Settings tls = settings.getSection("tls");
        Path tlsCert = readableFile(tls, "cert", tlsListener);
        Path tlsKey = readableFile(tls, "key", tlsListener);
        Path tlsClientCa = readableFile(tls, "client_ca", false);
        if (tlsSet && !tlsListener && !listen.isEmpty()) {
            settings.error("tls", "is set but listen has no tls:// or relp+tls:// address");
        }
        SpoolSettings spool = readSpool(settings, listen, maxMessageBytes);
        return new SyslogConfig(topic, listen, format, framing, (int) maxMessageBytes, maxConnections, key,
                timezone, queueMaxBytes, queueMaxMessages, udpReceiveBufferBytes, idleTimeout, tlsCert, tlsKey,
                tlsClientCa, spool);
    }

    private static SpoolSettings readSpool(Settings settings, List<ListenAddress> listen, long maxMessageBytes) {
        if (!settings.has("spool")) {
            return null;
        }
        Settings spool = settings.getSection("spool");
        Path dir = spool.getPath("dir", null);
        long maxBytes = spool.getSize("max_bytes", DEFAULT_SPOOL_MAX_BYTES);
        if (maxBytes < Math.max(MIN_SPOOL_MAX_BYTES, maxMessageBytes)) {
            spool.error("max_bytes", "must be at least 1MiB and max_message_bytes (" + maxMessageBytes + " bytes), got "
                    + maxBytes + " bytes");
            maxBytes = DEFAULT_SPOOL_MAX_BYTES;
        }
        if (!listen.isEmpty() && listen.stream().allMatch(address -> address.transport().isRelp())) {
            settings.error("spool", "is set but listen has no udp://, tcp:// or tls:// address (RELP senders keep"
                    + " what was not acknowledged themselves)");
        }
        return new SpoolSettings(dir, maxBytes);
    }

    /**
     * About the most memory the source holds: the queue, plus per connection one partial message and
     * one read (the frames of a read wait undecoded while the queue is full), plus per connection one
     * record past the queue's bound (the one that filled it). Records are about as large as their
     * messages; TLS connections add about 32 KiB each for their TLS records.
     */
    long memoryBoundBytes() {
        return queueMaxBytes + (long) maxConnections * (2L * maxMessageBytes + 1 + READ_BUFFER_BYTES);
    }

    private static int readUdpReceiveBuffer(Settings settings, List<ListenAddress> listen) {
        long bytes = settings.getSize("udp_receive_buffer_bytes", DEFAULT_UDP_RECEIVE_BUFFER_BYTES);
        if (bytes < MIN_UDP_RECEIVE_BUFFER_BYTES || bytes > MAX_UDP_RECEIVE_BUFFER_BYTES) {
            settings.error("udp_receive_buffer_bytes", "must be from 4KiB to 1GiB, got " + bytes + " bytes");
            return DEFAULT_UDP_RECEIVE_BUFFER_BYTES;
        }
        boolean udpListener = listen.stream().anyMatch(address -> address.transport() == Transport.UDP);
        if (settings.has("udp_receive_buffer_bytes") && !udpListener && !listen.isEmpty()) {
            settings.error("udp_receive_buffer_bytes", "is set but listen has no udp:// address");
        }
        return (int) bytes;
    }

    private static Duration readIdleTimeout(Settings settings) {
        String written = settings.getString("idle_timeout", IDLE_TIMEOUT_OFF);
        if (written.equals(IDLE_TIMEOUT_OFF)) {
            return null;
        }
        if (written.isEmpty() || !Character.isDigit(written.charAt(0))) {
            settings.error("idle_timeout", "must be off or a duration like 10m, got \"" + written + "\"");
            return null;
        }
        Duration timeout = settings.getDuration("idle_timeout", null);
        if (timeout != null && timeout.compareTo(MIN_IDLE_TIMEOUT) < 0) {
            settings.error("idle_timeout", "must be off or at least 1s, got " + timeout.toMillis() + "ms");
            return null;
        }
        return timeout;
    }

    private static List<ListenAddress> readListen(Settings settings) {
        List<String> written = settings.getStringList("listen", List.of());
        if (written.isEmpty()) {
            settings.error("listen", "must list at least one address like udp://0.0.0.0:514, tcp://0.0.0.0:514,"
                    + " tls://0.0.0.0:6514 or relp://0.0.0.0:2514");
            return List.of();
        }
        List<ListenAddress> addresses = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String text : written) {
            try {
                ListenAddress address = ListenAddress.parse(text);
                if (!seen.add(address.toString())) {
                    settings.error("listen", "lists " + address + " twice");
                } else if (address.port() > 65535) {
                    settings.error("listen", "\"" + text + "\" has a port above 65535");
                } else {
                    addresses.add(address);
                }
            } catch (IllegalArgumentException e) {
                settings.error("listen", "\"" + text + "\" is not an address like udp://0.0.0.0:514: "
                        + e.getMessage());
            }
        }
        return addresses;
    }

    private static ZoneId readTimezone(Settings settings) {
        String written = settings.getString("timezone", LOCAL_TIMEZONE);
        if (written.equals(LOCAL_TIMEZONE)) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(written);
        } catch (DateTimeException e) {
            settings.error("timezone", "must be local or a time zone like UTC, +02:00 or Europe/Berlin, got \""
                    + written + "\"");
            return ZoneId.systemDefault();
        }
    }

    private static Path readableFile(Settings tls, String key, boolean required) {
        Path path = tls.getPath(key, null);
        if (path == null) {
            if (required) {
                tls.error(key, "is required for tls:// and relp+tls:// addresses in listen");
            }
            return null;
        }
        if (!Files.isReadable(path)) {
            tls.error(key, "cannot read " + path);
        }
        return path;
    }
}
