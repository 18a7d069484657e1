package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StartupTimesTest {
    private final AtomicLong clock = new AtomicLong(10_000);
    private final StartupTimes times = new StartupTimes(clock::get, 9_000);

    @Test
    void theSummaryGivesTheTimeSinceTheProcessStartedAndEachStepInTheOrderItEnded() {
        long preparing = times.now();
        clock.addAndGet(250);
        times.finished("config and plugins", preparing);
        long producer = times.now();
        long offsetsTopic = times.now();
        clock.addAndGet(120);
        times.finished("offsets topic", offsetsTopic);
        clock.addAndGet(80);
        times.finished("producer and initTransactions", producer);

        assertThat(times.summary()).isEqualTo(
                "started in 1450 ms (config and plugins 250 ms, offsets topic 120 ms, producer and initTransactions 200 ms)");
    }
}
