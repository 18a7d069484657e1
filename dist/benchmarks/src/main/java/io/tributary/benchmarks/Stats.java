package io.tributary.benchmarks;

import java.util.Arrays;
import java.util.List;

/** Medians and percentiles of measurements. */
final class Stats {
    private Stats() {
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("the median of no values");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * The nearest-rank percentile: the smallest value that at least {@code percent} % of the values
     * are less than or equal to.
     */
    static long percentile(long[] values, double percent) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a percentile of no values");
        }
        if (percent <= 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be in (0, 100], got " + percent);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[rank - 1];
    }
}
