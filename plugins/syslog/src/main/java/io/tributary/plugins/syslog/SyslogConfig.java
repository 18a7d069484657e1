package io.tributary.plugins.syslog;

import io.tributary.api.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The settings of one {@code syslog} source, checked. The defaults live here and nowhere else; the
 * module's README and sample.yaml repeat them.
 *
 * @param tlsClientCa {@code null} unless clients must present a certificate signed by it
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
        Path tlsCert,
        Path tlsKey,
        Path tlsClientCa) {

    static final String DEFAULT_FORMAT = "auto";
    static final String DEFAULT_FRAMING = "auto";
    static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    static final int DEFAULT_MAX_CONNECTIONS = 1000;
    static final String DEFAULT_KEY = "hostname";
    static final String LOCAL_TIMEZONE = "local";
    static final long DEFAULT_QUEUE_MAX_BYTES = 8L * 1024 * 1024;
    static final int DEFAULT_QUEUE_MAX_MESSAGES = 10_000;

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

        boolean tlsListener = listen.stream().anyMatch(address -> address.transport() == Transport.TLS);
        boolean tlsSet = settings.has("tls");
        Settings tls = settings.getSection("tls");
        Path tlsCert = readableFile(tls, "cert", tlsListener);
        Path tlsKey = readableFile(tls, "key", tlsListener);
        Path tlsClientCa = readableFile(tls, "client_ca", false);
        if (tlsSet && !tlsListener && !listen.isEmpty()) {
            settings.error("tls", "is set but listen has no tls:// address");
        }
        return new SyslogConfig(topic, listen, format, framing, (int) maxMessageBytes, maxConnections, key,
                timezone, queueMaxBytes, queueMaxMessages, tlsCert, tlsKey, tlsClientCa);
    }

    private static List<ListenAddress> readListen(Settings settings) {
        List<String> written = settings.getStringList("listen", List.of());
        if (written.isEmpty()) {
            settings.error("listen", "must list at least one address like udp://0.0.0.0:514, tcp://0.0.0.0:514"
                    + " or tls://0.0.0.0:6514");
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
                tls.error(key, "is required for tls:// addresses in listen");
            }
            return null;
        }
        if (!Files.isReadable(path)) {
            tls.error(key, "cannot read " + path);
        }
        return path;
    }
}
