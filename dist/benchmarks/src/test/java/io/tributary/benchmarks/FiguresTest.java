package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class FiguresTest {
    private static final Figures.Format RATE = figure -> String.format("%.0f/s", figure);
    private static final Figures.Format MILLIS = figure -> String.format("%.0f ms", figure);

    @Test
    void theRatioIsTheMedianOfEachRunsRatioNotTheRatioOfMedians() {
        Figures figures = new Figures();
        // Each run's ratio: 0.90, 1.20, 0.40, median 0.90; the medians' ratio would be 80 / 100 = 0.80.
        Iterator<Double> ours = List.of(90.0, 60.0, 80.0).iterator();
        Iterator<Double> theirs = List.of(100.0, 50.0, 200.0).iterator();
        for (int run = 0; run < 3; run++) {
            figures.measure("ours", ours::next);
            figures.measure("theirs", theirs::next);
        }

        Row row = figures.compare("case", "ours", "theirs", 0.85, RATE);

        assertThat(row).isEqualTo(new Row("case", "80/s", "theirs: 100/s", "0.90×", "≥ 0.85×", "yes"));
    }

    @Test
    void aMissedTargetIsMarked() {
        Figures figures = new Figures();
        figures.measure("ours", () -> 50.0);
        figures.measure("theirs", () -> 100.0);

        assertThat(figures.compare("case", "ours", "theirs", 0.6, RATE).verdict()).isEqualTo("**no**");
    }

    @Test
    void aContenderThatFailsOnceHasNoFigureAndIsNotRunAgain() {
        Figures figures = new Figures();
        int[] attempts = {0};
        for (int run = 0; run < 3; run++) {
            figures.measure("ours", () -> {
                attempts[0]++;
                throw new IllegalStateException("topic t stopped at 5 of 10 records for 60 s\nmore detail");
            });
            figures.measure("theirs", () -> 100.0);
        }

        assertThat(attempts[0]).isEqualTo(1);
        assertThat(figures.compare("case", "ours", "theirs", 0.6, RATE))
                .isEqualTo(Row.failed("case", "≥ 0.60×", "ours: topic t stopped at 5 of 10 records for 60 s"));
    }

    @Test
    void aTimeMeetsItsTargetAtOrBelowTheMaximumAndShowsEveryBaseline() {
        Figures figures = new Figures();
        figures.measure("ours", () -> 900.0);
        figures.measure("rsyslog", () -> 60.0);
        figures.measure("java", () -> 120.0);

        Row row = figures.atMost("case", "ours", List.of("rsyslog", "java"), 1000, MILLIS);

        assertThat(row).isEqualTo(new Row("case", "900 ms", "rsyslog: 60 ms; java: 120 ms", "15.00×", "≤ 1000 ms", "yes"));
        assertThat(figures.atMost("case", "ours", List.of("rsyslog"), 800, MILLIS).verdict()).isEqualTo("**no**");
    }

    @Test
    void oneMeasurementFillsSeveralFiguresAndItsFailureFailsThemAll() {
        Figures cold = new Figures();
        Figures warm = new Figures();
        int[] attempts = {0};
        for (int run = 0; run < 2; run++) {
            Figures.measure("theirs", List.of(cold, warm), () -> new double[] {10.0, 20.0});
            Figures.measure("ours", List.of(cold, warm), () -> {
                attempts[0]++;
                throw new IllegalStateException("agent exited with code 2");
            });
        }

        assertThat(attempts[0]).isEqualTo(1);
        assertThat(cold.median("theirs")).isEqualTo(10.0);
        assertThat(warm.median("theirs")).isEqualTo(20.0);
        assertThat(warm.show("case", "ours", "theirs", RATE))
                .isEqualTo(Row.failed("case", "–", "ours: agent exited with code 2"));
    }
}
