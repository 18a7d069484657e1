package io.tributary.plugins.syslog;

/** The names of the facility and severity a syslog priority ({@code <PRI>}) encodes (RFC 5424 §6.2.1). */
final class Priority {
    /** The largest priority: facility 23 ({@code local7}) with severity 7 ({@code debug}). */
    static final int MAX = 191;

    private static final String[] FACILITIES = {
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5",
        "local6", "local7",
    };
    private static final String[] SEVERITIES = {
        "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
    };

    private Priority() {
    }

    static int facility(int priority) {
        return priority >> 3;
    }

    static int severity(int priority) {
        return priority & 7;
    }

    /** The facility's keyword as syslog.conf and rsyslog write it, e.g. {@code auth} for 4. */
    static String facilityName(int facility) {
        return FACILITIES[facility];
    }

    /** The severity's keyword as syslog.conf and rsyslog write it, e.g. {@code err} for 3. */
    static String severityName(int severity) {
        return SEVERITIES[severity];
    }
}
