package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time from {@code /proc/stat}, busy and in all, at one moment. Between two
 * such moments it tells how many cores a contender kept busy with everything it needs (its own
 * process, the broker, the database), and so whether the machine's cores, not the contender's
 * design, bound its rate.
 */
record MachineCpu(long busyTicks, long totalTicks) {
    private static final Path STAT = Path.of("/proc/stat");

    static MachineCpu now() {
        String line;
        try {
            line = Files.readAllLines(STAT).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STAT, e);
        }
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guests are in user already.
        String[] fields = line.trim().split("\\s+");
        long busy = 0;
        long total = 0;
        for (int i = 1; i <= 8 && i < fields.length; i++) {
            long ticks = Long.parseLong(fields[i]);
            total += ticks;
            if (i != 4 && i != 5) {
                busy += ticks;
            }
        }
        return new MachineCpu(busy, total);
    }

    /** E.g. "machine CPU 1.87 of 2 cores busy, 12.4 µs of CPU a row": what was used since this moment. */
    String usedSince(long items, String item) {
        MachineCpu end = now();
        long busy = end.busyTicks - busyTicks;
        long total = end.totalTicks - totalTicks;
        int cores = Runtime.getRuntime().availableProcessors();
        double busyCores = total == 0 ? 0 : (double) busy / total * cores;
        // USER_HZ: /proc/stat counts in hundredths of a second on every architecture Linux runs.
        double microsPerItem = items == 0 ? 0 : busy * 10_000.0 / items;
        return String.format("machine CPU %.2f of %d cores busy, %.1f µs of CPU a %s", busyCores, cores, microsPerItem, item);
    }
}
