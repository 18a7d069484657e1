package io.tributary.plugins.syslog;

import java.util.Map;

/**
 * A parsed syslog message. Fields the sender left out (RFC 5424's {@code -}, or absent in RFC 3164)
 * are {@code null}.
 *
 * @param timestamp      ISO-8601 with offset: as sent for RFC 5424, completed with the year and
 *                       {@code timezone} for RFC 3164
 * @param facility       0 to 23
 * @param severity       0 to 7
 * @param structuredData SD-ID → (param name → value, or a list of values when the param repeats);
 *                       empty when there is none; in the order sent
 */
record SyslogMessage(
        String timestamp,
        String hostname,
        String appName,
        String procid,
        String msgid,
        int facility,
        int severity,
        Map<String, Map<String, Object>> structuredData,
        String message) {
}
