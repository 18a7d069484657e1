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

    /** The key's bytes for {@code message} from {@code peer}, or {@code null} when the field is absent. */
    byte[] of(SyslogMessage message, String peer) {
        Text text = switch (this) {
            case HOSTNAME -> message == null ? null : message.hostnameText();
            case APP_NAME -> message == null ? null : message.appNameText();
            case PROCID -> message == null ? null : message.procidText();
            case MSGID -> message == null ? null : message.msgidText();
            case FACILITY -> message == null ? null : Text.of(Priority.facilityName(message.facility()));
            case SEVERITY -> message == null ? null : Text.of(Priority.severityName(message.severity()));
            case PEER -> Text.of(peer);
            case NONE -> null;
        };
        return text == null ? null : text.utf8();
    }
}
