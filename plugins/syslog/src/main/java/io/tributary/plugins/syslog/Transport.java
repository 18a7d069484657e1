package io.tributary.plugins.syslog;

import java.util.Locale;

/** How syslog messages reach a listener; the scheme of a {@code listen} address. */
enum Transport {
    /** One message per datagram (RFC 5426). */
    UDP,
    /** A stream of framed messages (RFC 6587). */
    TCP,
    /** A TCP stream inside TLS (RFC 5425). */
    TLS;

    /** The scheme as written in {@code listen} and in metric names, e.g. {@code udp}. */
    String scheme() {
        return name().toLowerCase(Locale.ROOT);
    }
}
