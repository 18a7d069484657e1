package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.testkit.AgentProcess;
import io.tributary.testplugin.ExplodingSourceType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin that cannot load or whose extension throws is reported by its id and takes no other plugin down. */
class PluginLoadingIT {
    @TempDir
    Path dir;

    @Test
    void brokenPluginsAreReportedAndTheOthersWork() throws Exception {
        AgentFixture fixture = AgentFixture.in(dir).write("plugins", """
                sources:
                  numbers:
                    type: sequence
                    topic: plugins.numbers
                    count: 10
                """);
        Path plugins = dir.resolve("plugins");
        Files.write(plugins.resolve("broken.zip"), new byte[] {1, 2, 3, 4});
        TestPlugins.jarPlugin(plugins, "exploding", new Class<?>[] {ExplodingSourceType.class}, ExplodingSourceType.class);

        AgentProcess.Result listed = fixture.command("plugins");
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.output())
                .containsPattern("sequence\\s+1\\.0\\.0\\s+STARTED\\s+sequence")
                .containsPattern("exploding\\s+1\\.0\\.0\\s+STARTED\\s+\\n")
                .contains("warning: cannot unpack plugin " + plugins.resolve("broken.zip"))
                .contains("warning: plugin exploding: extension io.tributary.testplugin.ExplodingSourceType was not created");

        AgentProcess.Result validated = fixture.command("validate");
        assertThat(validated.exitCode()).isZero();
        assertThat(validated.output()).contains(fixture.config + ": valid (1 source(s), 0 interceptor(s))");

        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "plugins.numbers", 10, AgentFixture.STARTUP);
        }
    }
}
