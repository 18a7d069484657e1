package io.tributary.benchmarks;

/** How throughput figures read in the table. */
final class Throughput {
    private Throughput() {
    }

    /** E.g. "85,312 rec/s (8.1 MiB/s)" for 85,312 records per second of 100 bytes. */
    static String format(double recordsPerSecond, int recordBytes) {
        return String.format("%,.0f rec/s (%.1f MiB/s)", recordsPerSecond, recordsPerSecond * recordBytes / (1 << 20));
    }
}
