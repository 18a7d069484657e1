package io.tributary.plugins.syslog;

import java.util.Arrays;
import java.util.Locale;

/** Which field of a message becomes the Kafka record's key; the {@code key} setting. */
enum RecordKey {
    HOSTNAME,
    APP_NAME,
    PROCID,
    MSGID,
    /** The facility's name, e.g. {@code auth}. */
    FACILITY,
    /** The severity's name, e.g. {@code err}. */
    SEVERITY,
    /** The sender's {@code ip:port}. */
    PEER,
    /** No key: Kafka spreads the records over the partitions. */
    NONE;

    String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] settingValues() {
        return Arrays.stream(values()).map(RecordKey::settingValue).toArray(String[]::new);
    }

    static RecordKey ofSettingValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** True when the key comes from the parsed message rather than from the connection. */
    boolean needsParsing() {
        return this != PEER && this != NONE;
    }

    /** The key's text for {@code message} from {@code peer}, or {@code null} when the field is absent. */
    String of(SyslogMessage message, String peer) {
        return switch (this) {
            case HOSTNAME -> message == null ? null : message.hostname();
            case APP_NAME -> message == null ? null : message.appName();
            case PROCID -> message == null ? null : message.procid();
            case MSGID -> message == null ? null : message.msgid();
            case FACILITY -> message == null ? null : Priority.facilityName(message.facility());
            case SEVERITY -> message == null ? null : Priority.severityName(message.severity());
            case PEER -> peer;
            case NONE -> null;
        };
    }
}
