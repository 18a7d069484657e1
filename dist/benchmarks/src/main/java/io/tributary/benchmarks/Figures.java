package io.tributary.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The figures of several contenders over several runs of one case. Every contender runs once per
 * run, one after another, so that ratios compare runs made under the same load; a contender that
 * fails once has no figure, and the reason is kept.
 */
final class Figures {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();

    /** Runs {@code measurement} for {@code contender} unless it failed before; a failure is kept. */
    void measure(String contender, Supplier<Double> measurement) {
        if (failures.containsKey(contender)) {
            return;
        }
        try {
            values.computeIfAbsent(contender, name -> new ArrayList<>()).add(measurement.get());
        } catch (RuntimeException e) {
            failures.put(contender, contender + ": " + firstLine(e));
        }
    }

    double median(String contender) {
        return Stats.median(values.get(contender));
    }

    /** The median over the runs of {@code contender}'s figure divided by {@code baseline}'s. */
    double medianRatio(String contender, String baseline) {
        List<Double> ours = values.get(contender);
        List<Double> theirs = values.get(baseline);
        List<Double> ratios = new ArrayList<>();
        for (int run = 0; run < Math.min(ours.size(), theirs.size()); run++) {
            ratios.add(ours.get(run) / theirs.get(run));
        }
        return Stats.median(ratios);
    }

    /**
     * A table row comparing {@code contender} with {@code baseline}, where a higher figure is better.
     *
     * @param minimumRatio the target; met when the median ratio is at least this
     */
    Row compare(String caseName, String contender, String baseline, double minimumRatio, Format format) {
        String target = String.format("≥ %.2f×", minimumRatio);
        String failure = failures.containsKey(contender) ? failures.get(contender) : failures.get(baseline);
        if (failure != null) {
            return Row.failed(caseName, target, failure);
        }
        double ratio = medianRatio(contender, baseline);
        return Row.measured(caseName, format.apply(median(contender)),
                baseline + ": " + format.apply(median(baseline)), ratio, target, ratio >= minimumRatio);
    }

    /** How a figure is shown in the table. */
    @FunctionalInterface
    interface Format {
        String apply(double figure);
    }

    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
