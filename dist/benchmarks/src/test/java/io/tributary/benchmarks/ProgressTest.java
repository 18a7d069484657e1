package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void aCountThatStopsGrowingFailsSayingHowFarItGot() {
        Topics.Progress progress = new Topics.Progress("reading back topic t", 10, "offsets", Duration.ZERO);
        progress.check(4);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThatThrownBy(() -> progress.check(4))
                .hasMessage("reading back topic t stopped at 4 of 10 offsets for 0 s"));
    }

    @Test
    void aGrowingCountPasses() {
        Topics.Progress progress = new Topics.Progress("topic t", 10, "records", Duration.ZERO);

        assertThatCode(() -> {
            progress.check(4);
            progress.check(5);
        }).doesNotThrowAnyException();
    }
}
