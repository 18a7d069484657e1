package io.tributary.plugins.syslog;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How syslog messages reach a listener; the scheme of a {@code listen} address. */
enum Transport {
    /** One message per datagram (RFC 5426). */
    UDP("udp", "udp"),
    /** A stream of framed messages (RFC 6587). */
    TCP("tcp", "tcp"),
    /** A TCP stream inside TLS (RFC 5425). */
    TLS("tls", "tls"),
    /** rsyslog's Reliable Event Logging Protocol: each message acknowledged once committed to Kafka. */
    RELP("relp", "relp"),
    /** RELP inside TLS, as librelp's {@code tls="on"}. */
    RELP_TLS("relp+tls", "relp_tls");

    private final String scheme;
    private final String metricName;

    Transport(String scheme, String metricName) {
        this.scheme = scheme;
        this.metricName = metricName;
    }

    /** The scheme as written in {@code listen}, e.g. {@code udp} or {@code relp+tls}. */
    String scheme() {
        return scheme;
    }

    /** The name in metric names, e.g. {@code syslog.relp_tls.messages}: a metric name has no {@code +}. */
    String metricName() {
        return metricName;
    }

    boolean isTls() {
        return this == TLS || this == RELP_TLS;
    }

    boolean isRelp() {
        return this == RELP || this == RELP_TLS;
    }

    /**
     * The transport of a scheme, case-insensitive.
     *
     * @throws IllegalArgumentException naming the schemes there are
     */
    static Transport ofScheme(String scheme) {
        for (Transport transport : values()) {
            if (transport.scheme.equalsIgnoreCase(scheme)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("the scheme must be "
                + Arrays.stream(values()).map(Transport::scheme).collect(Collectors.joining(", ")) + ", not " + scheme);
    }
}
