package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
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

    @Test
    void theProcessAgeIsUptimeLessTheStartTickOfProcStat() {
        String stat = "4242 (java (a) b) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 1 0 0 20 0 19 0 299888 1000 200 1 2 3";

        assertThat(StartupTimes.processAgeMillis("3000.25 5000.00\n", stat)).hasValue(1370);
        assertThat(StartupTimes.processAgeMillis("3000.25 5000.00\n", "4242 (java) S 1 2")).isEmpty();
        assertThat(StartupTimes.processAgeMillis("", stat)).isEmpty();
    }

    @Test
    void thisProcessIsYoungerThanTheMachineAndOlderThanZero() throws Exception {
        OptionalLong age = StartupTimes.processAgeMillis(Files.readString(Path.of("/proc/uptime")),
                Files.readString(Path.of("/proc/self/stat")));
        long jvmUptime = ManagementFactory.getRuntimeMXBean().getUptime();

        assertThat(age).isPresent();
        assertThat(age.getAsLong()).isBetween(jvmUptime - 20, jvmUptime + 2_000);
    }
}
