package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmOptionsTest {

    @Test
    void theLaterOfTwoOptionsForTheSameSettingWins() {
        List<String> options = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=/tmp/log4j2.xml", "-XX:TieredStopAtLevel=4", "-Xmx1g",
                "-XX:+ExitOnOutOfMemoryError", "-XX:-ExitOnOutOfMemoryError");

        assertThat(JvmOptions.effective(options))
                .containsExactly("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=4", "-Xmx1g", "-XX:-ExitOnOutOfMemoryError");
    }

    @Test
    void theOptionsAreThoseBeforeTheMainClassWithoutTheClassPath() {
        List<String> arguments = List.of("-cp", "/a.jar:/b.jar", "-Xmx512m", "-XX:+UseSerialGC",
                "io.tributary.testkit.ChildMain", "4242", "kafka.Kafka", "-Xmx1g");

        assertThat(JvmOptions.beforeMainClass(arguments)).containsExactly("-Xmx512m", "-XX:+UseSerialGC");
    }

    @Test
    void aChildThatIsNotThereHasNoOptions() {
        assertThat(JvmOptions.ofChild("no.such.MainClass")).isEmpty();
    }
}
