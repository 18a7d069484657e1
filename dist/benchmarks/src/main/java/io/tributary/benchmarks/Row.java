package io.tributary.benchmarks;

/**
 * One line of the results table.
 *
 * @param verdict whether the target was met: "yes", "**no**", or why the case has no figure
 */
record Row(String caseName, String tributary, String baseline, String ratio, String target, String verdict) {

    static Row measured(String caseName, String tributary, String baseline, double ratio, String target, boolean met) {
        return new Row(caseName, tributary, baseline, String.format("%.2f×", ratio), target, met ? "yes" : "**no**");
    }

    static Row skipped(String caseName, String target, String reason) {
        return new Row(caseName, "–", "–", "–", target, "skipped: " + reason);
    }

    static Row failed(String caseName, String target, String reason) {
        return new Row(caseName, "–", "–", "–", target, "failed: " + reason);
    }
}
