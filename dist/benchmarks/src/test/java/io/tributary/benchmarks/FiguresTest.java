package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class FiguresTest {
    private static final Figures.Format RATE = figure -> String.format("%.0f/s", figure);

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
}
