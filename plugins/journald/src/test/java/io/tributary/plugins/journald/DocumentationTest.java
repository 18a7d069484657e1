package io.tributary.plugins.journald;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.config.YamlSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's table states the defaults {@link JournaldConfig} holds, and sample.yaml is valid and sets them. */
class DocumentationTest {

    @Test
    void readmeStatesTheDefaultsOfTheCode() throws Exception {
        String readme = Files.readString(Path.of("README.md"));

        Map.of("priority", JournaldConfig.DEFAULT_PRIORITY,
                "current_boot_only", String.valueOf(JournaldConfig.DEFAULT_CURRENT_BOOT_ONLY),
                "read_from", JournaldConfig.DEFAULT_READ_FROM,
                "key", JournaldConfig.DEFAULT_KEY,
                "format", JournaldConfig.DEFAULT_FORMAT)
                .forEach((key, value) -> assertThat(readme).as("README default of %s", key)
                        .contains("| `" + key + "` | `" + value + "` |"));
    }

    @Test
    void theSamplesSourceIsValidAndSetsTheDefaultsOfTheCodeButForItsExamples() throws Exception {
        String sample = Files.readString(Path.of("sample.yaml"));
        String source = sample.substring(sample.indexOf("    type: journald\n") + "    type: journald\n".length())
                .replaceAll("(?m)^    ", "");
        YamlSettings settings = YamlSettings.parse(source);
        YamlSettings examplesOnly = YamlSettings.parse("topic: logs.journal.ssh\nunits: [ssh.service]\n");

        JournaldConfig config = JournaldConfig.read(settings);

        assertThat(settings.finish()).isEmpty();
        assertThat(config).isEqualTo(JournaldConfig.read(examplesOnly));
    }

    @Test
    void readmeStatesTheQueuesBounds() throws Exception {
        assertThat(Files.readString(Path.of("README.md")).replaceAll("\\s+", " ")).contains("a queue of at most "
                + String.format("%,d", JournaldSource.QUEUE_MAX_ENTRIES) + " entries and "
                + JournaldSource.QUEUE_MAX_BYTES / (1024 * 1024) + " MiB");
    }
}
