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

    /**
     * Runs {@code measurement} for {@code contender} unless it failed before in any of
     * {@code figures}, and adds its i-th value to the i-th figures; a failure is kept in all of them.
     */
    static void measure(String contender, List<Figures> figures, Supplier<double[]> measurement) {
        if (figures.stream().anyMatch(each -> each.failures.containsKey(contender))) {
            return;
        }
        double[] measured;
        try {
            measured = measurement.get();
        } catch (RuntimeException e) {
            figures.forEach(each -> each.failures.put(contender, contender + ": " + firstLine(e)));
            return;
        }
        for (int i = 0; i < figures.size(); i++) {
            double value = measured[i];
            figures.get(i).values.computeIfAbsent(contender, name -> new ArrayList<>()).add(value);
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

    /**
     * A row comparing {@code contender} with {@code baselines}, where a lower figure is better: the
     * ratio is to the first baseline, the others are shown for scale.
     *
     * @param maximum the target; met when the contender's median is at most this
     */
    Row atMost(String caseName, String contender, List<String> baselines, double maximum, Format format) {
        String target = "≤ " + format.apply(maximum);
        String failure = failures.containsKey(contender) ? failures.get(contender) : failures.get(baselines.get(0));
        if (failure != null) {
            return Row.failed(caseName, target, failure);
        }
        List<String> shown = new ArrayList<>();
        for (String baseline : baselines) {
            shown.add(baseline + ": " + (failures.containsKey(baseline) ? "failed" : format.apply(median(baseline))));
        }
        double median = median(contender);
        return Row.measured(caseName, format.apply(median), String.join("; ", shown),
                medianRatio(contender, baselines.get(0)), target, median <= maximum);
    }

    /** A row showing {@code contender} beside {@code baseline}, for information: no target. */
    Row show(String caseName, String contender, String baseline, Format format) {
        String failure = failures.containsKey(contender) ? failures.get(contender) : failures.get(baseline);
        if (failure != null) {
            return Row.failed(caseName, "–", failure);
        }
        return new Row(caseName, format.apply(median(contender)), baseline + ": " + format.apply(median(baseline)),
                String.format("%.2f×", medianRatio(contender, baseline)), "–", "–");
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
