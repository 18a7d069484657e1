package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResidentMemoryTest {
    @TempDir
    Path dir;

    @Test
    void readsKibibytesOfAStatusField() throws Exception {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n");

        assertThat(ResidentMemory.kibibytes(status, "VmRSS")).isEqualTo(102400);
        assertThat(ResidentMemory.kibibytes(status, "VmHWM")).isEqualTo(204800);
    }

    @Test
    void aMissingFieldIsNamed() throws Exception {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\n");

        assertThatThrownBy(() -> ResidentMemory.kibibytes(status, "VmRSS"))
                .hasMessage(status + " has no VmRSS in kB: \"unknown\"");
    }

    @Test
    void readsThisProcess() {
        ResidentMemory memory = ResidentMemory.of(ProcessHandle.current().pid());

        assertThat(memory.rssKiB()).isPositive();
        assertThat(memory.peakRssKiB()).isGreaterThanOrEqualTo(memory.rssKiB());
    }

    @Test
    void aWatchKeepsThePeakOfAProcessThatExitedByItself() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "0.5").start();
        try (ResidentMemory.Watch watch = ResidentMemory.watch(sleep.pid())) {
            assertThat(sleep.waitFor()).isZero();

            assertThat(watch.peakKiB()).isPositive();
        }
    }
}
