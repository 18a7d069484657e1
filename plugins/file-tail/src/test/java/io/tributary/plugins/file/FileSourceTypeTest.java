package io.tributary.plugins.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.config.YamlSettings;
import io.tributary.api.SourceType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileSourceTypeTest {

    @Test
    void splitsItsIncludeGlobsIntoOnePartEach() {
        Map<String, Object> settings = YamlSettings.parse("topic: logs\ninclude: [/a/*.log, /b/*.log]\nexclude: [\"*.gz\"]\n").asMap();
        assertThat(new FileSourceType().split(settings)).containsExactly(
                Map.entry("include:/a/*.log", Map.of("topic", "logs", "include", List.of("/a/*.log"), "exclude", List.of("*.gz"))),
                Map.entry("include:/b/*.log", Map.of("topic", "logs", "include", List.of("/b/*.log"), "exclude", List.of("*.gz"))));
    }

    @Test
    void keepsASourceOfOneGlobWhole() {
        Map<String, Object> settings = YamlSettings.parse("topic: logs\ninclude: /a/*.log\n").asMap();
        assertThat(new FileSourceType().split(settings)).containsExactly(Map.entry(SourceType.WHOLE, settings));
    }
}
