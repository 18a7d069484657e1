package io.tributary.plugins.jdbc;

import java.util.Arrays;

/** How a jdbc source finds the rows it has not sent yet: the {@code mode} setting. */
enum Mode {
    /** Sends the whole table on every poll; keeps no position. */
    BULK("bulk"),
    /** Sends rows whose incrementing column is above the last one sent: new rows only. */
    INCREMENTING("incrementing"),
    /** Sends rows whose timestamp column is after the last one sent: new and updated rows. */
    TIMESTAMP("timestamp"),
    /** Like timestamp, with the incrementing column ordering rows of the same timestamp. */
    TIMESTAMP_INCREMENTING("timestamp+incrementing");

    private final String settingValue;

    Mode(String settingValue) {
        this.settingValue = settingValue;
    }

    String settingValue() {
        return settingValue;
    }

    boolean usesTimestamp() {
        return this == TIMESTAMP || this == TIMESTAMP_INCREMENTING;
    }

    boolean usesIncrementing() {
        return this == INCREMENTING || this == TIMESTAMP_INCREMENTING;
    }

    static String[] settingValues() {
        return Arrays.stream(values()).map(Mode::settingValue).toArray(String[]::new);
    }

    static Mode ofSettingValue(String value) {
        return Arrays.stream(values()).filter(m -> m.settingValue.equals(value)).findFirst().orElseThrow();
    }
}
