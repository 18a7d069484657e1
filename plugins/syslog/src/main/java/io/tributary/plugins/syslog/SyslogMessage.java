package io.tributary.plugins.syslog;

import java.util.Map;
import java.util.Objects;

/**
 * A parsed syslog message. Fields the sender left out (RFC 5424's {@code -}, or absent in RFC 3164)
 * are {@code null}. The text fields are kept as {@link Text}, slices of the received bytes, and
 * decoded only by the accessors that return strings. Two messages are equal when all their fields
 * are.
 */
final class SyslogMessage {
    private final Text timestamp;
    private final Text hostname;
    private final Text appName;
    private final Text procid;
    private final Text msgid;
    private final int facility;
    private final int severity;
    private final Map<String, Map<String, Object>> structuredData;
    private final Text message;

    /**
     * @param timestamp      ISO-8601 with offset: as sent for RFC 5424, completed with the year and
     *                       {@code timezone} for RFC 3164
     * @param facility       0 to 23
     * @param severity       0 to 7
     * @param structuredData SD-ID → (param name → value, or a list of values when the param repeats);
     *                       empty when there is none; in the order sent
     */
    SyslogMessage(String timestamp, String hostname, String appName, String procid, String msgid, int facility,
                  int severity, Map<String, Map<String, Object>> structuredData, String message) {
        this(Text.of(timestamp), Text.of(hostname), Text.of(appName), Text.of(procid), Text.of(msgid), facility,
                severity, structuredData, Text.of(message));
    }

    private SyslogMessage(Text timestamp, Text hostname, Text appName, Text procid, Text msgid, int facility,
                          int severity, Map<String, Map<String, Object>> structuredData, Text message) {
        this.timestamp = timestamp;
        this.hostname = hostname;
        this.appName = appName;
        this.procid = procid;
        this.msgid = msgid;
        this.facility = facility;
        this.severity = severity;
        this.structuredData = structuredData;
        this.message = message;
    }

    /** The message the parser read: its text fields as slices of the received bytes, or null. */
    static SyslogMessage parsed(Text timestamp, Text hostname, Text appName, Text procid, Text msgid, int facility,
                                int severity, Map<String, Map<String, Object>> structuredData, Text message) {
        return new SyslogMessage(timestamp, hostname, appName, procid, msgid, facility, severity, structuredData,
                message);
    }

    String timestamp() {
        return Text.string(timestamp);
    }

    String hostname() {
        return Text.string(hostname);
    }

    String appName() {
        return Text.string(appName);
    }

    String procid() {
        return Text.string(procid);
    }

    String msgid() {
        return Text.string(msgid);
    }

    int facility() {
        return facility;
    }

    int severity() {
        return severity;
    }

    Map<String, Map<String, Object>> structuredData() {
        return structuredData;
    }

    String message() {
        return Text.string(message);
    }

    Text timestampText() {
        return timestamp;
    }

    Text hostnameText() {
        return hostname;
    }

    Text appNameText() {
        return appName;
    }

    Text procidText() {
        return procid;
    }

    Text msgidText() {
        return msgid;
    }

    Text messageText() {
        return message;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SyslogMessage that
                && Objects.equals(timestamp(), that.timestamp()) && Objects.equals(hostname(), that.hostname())
                && Objects.equals(appName(), that.appName()) && Objects.equals(procid(), that.procid())
                && Objects.equals(msgid(), that.msgid()) && facility == that.facility && severity == that.severity
                && structuredData.equals(that.structuredData) && Objects.equals(message(), that.message());
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp(), hostname(), appName(), procid(), msgid(), facility, severity, structuredData,
                message());
    }

    @Override
    public String toString() {
        return "SyslogMessage[timestamp=" + timestamp() + ", hostname=" + hostname() + ", appName=" + appName()
                + ", procid=" + procid() + ", msgid=" + msgid() + ", facility=" + facility + ", severity=" + severity
                + ", structuredData=" + structuredData + ", message=" + message() + "]";
    }
}
