package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.config.YamlSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's table and sample.yaml state the defaults {@link SyslogConfig} holds. */
class DocumentationTest {
    private static final Map<String, String> DEFAULTS = Map.of(
            "format", SyslogConfig.DEFAULT_FORMAT,
            "framing", SyslogConfig.DEFAULT_FRAMING,
            "max_message_bytes", size(SyslogConfig.DEFAULT_MAX_MESSAGE_BYTES),
            "max_connections", String.valueOf(SyslogConfig.DEFAULT_MAX_CONNECTIONS),
            "key", SyslogConfig.DEFAULT_KEY,
            "timezone", SyslogConfig.LOCAL_TIMEZONE,
            "queue_max_messages", String.valueOf(SyslogConfig.DEFAULT_QUEUE_MAX_MESSAGES),
            "queue_max_bytes", size(SyslogConfig.DEFAULT_QUEUE_MAX_BYTES),
            "udp_receive_buffer_bytes", size(SyslogConfig.DEFAULT_UDP_RECEIVE_BUFFER_BYTES),
            "idle_timeout", SyslogConfig.IDLE_TIMEOUT_OFF);
    private static final long MIB = 1024 * 1024;
    /** What dist's bin/tributary gives the JVM; the agent's in-flight buffer and the producer need room too. */
    private static final long LAUNCHER_HEAP = 128 * MIB;

    @Test
    void readmeAndSampleStateTheDefaultsOfTheCode() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String sample = Files.readString(Path.of("sample.yaml"));

        DEFAULTS.forEach((key, value) -> {
            assertThat(readme).as("README default of %s", key).contains("| `" + key + "` | `" + value + "` |");
            assertThat(sample).as("sample.yaml default of %s", key).containsPattern("\n    " + key + ": " + value + "\n");
        });
    }

    @Test
    void readmeStatesTheMemoryBoundOfTheDefaultsAndItFitsTheLaunchersHeap() throws Exception {
        YamlSettings settings = YamlSettings.parse("topic: t\nlisten: tcp://0.0.0.0:514\n");
        long bound = SyslogConfig.read(settings).memoryBoundBytes();

        assertThat(Files.readString(Path.of("README.md")).replaceAll("\\s+", " "))
                .contains("With the defaults (" + SyslogConfig.DEFAULT_MAX_CONNECTIONS + " connections): about "
                        + Math.round((double) bound / MIB) + " MiB");
        assertThat(bound).isLessThan(LAUNCHER_HEAP / 3);
    }

    private static String size(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + "MiB" : bytes / 1024 + "KiB";
    }
}
