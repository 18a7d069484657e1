package io.tributary.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** The results as markdown: what ran where and how, the table, then every run's own figures. */
final class Report {
    private final List<String> header = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> runs = new ArrayList<>();

    /** A {@code - name: value} line above the table; a line already there is not repeated. */
    void describe(String name, String value) {
        String line = "- " + name + ": " + value;
        if (!header.contains(line)) {
            header.add(line);
        }
    }

    void add(Row row) {
        rows.add(row);
    }

    /** A line of the per-run details below the table. */
    void run(String line) {
        runs.add("- " + line);
    }

    String markdown() {
        StringBuilder text = new StringBuilder("# Tributary benchmarks\n\n");
        header.forEach(line -> text.append(line).append('\n'));
        text.append("\n| Case | Tributary | Baseline | Ratio | Target | Met? |\n");
        text.append("|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            text.append("| ").append(cell(row.caseName()))
                    .append(" | ").append(cell(row.tributary()))
                    .append(" | ").append(cell(row.baseline()))
                    .append(" | ").append(cell(row.ratio()))
                    .append(" | ").append(cell(row.target()))
                    .append(" | ").append(cell(row.verdict()))
                    .append(" |\n");
        }
        text.append("\n## Runs\n\n");
        runs.forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    private static String cell(String value) {
        return value.replace("|", "\\|").replace("\n", " ");
    }
}
