package io.tributary.benchmarks;

import java.nio.file.Path;

/** A process's memory as Linux accounts it, from {@code /proc/PID/status}. */
record ResidentMemory(long rssKiB, long peakRssKiB) {

    /** VmRSS (resident now) and VmHWM (the most ever resident) of process {@code pid}. */
    static ResidentMemory of(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        return new ResidentMemory(kibibytes(status, "VmRSS"), kibibytes(status, "VmHWM"));
    }

    /** A "VmRSS:   123456 kB" field in KiB. */
    static long kibibytes(Path status, String field) {
        String value = Machine.field(status, field);
        if (!value.endsWith(" kB")) {
            throw new IllegalStateException(status + " has no " + field + " in kB: \"" + value + "\"");
        }
        return Long.parseLong(value.substring(0, value.length() - 3).trim());
    }
}
