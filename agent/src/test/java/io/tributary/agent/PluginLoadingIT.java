package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Position;
import io.tributary.api.Settings;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import io.tributary.testplugin.ExplodingSourceType;
import io.tributary.testplugin.SequenceSource;
import io.tributary.testplugin.SequenceSourceType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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

    /**
     * A plugin that packs its own copies of the API, Kafka and SLF4J classes (a build that forgot
     * {@code provided}) still works: those packages come from the agent, or the plugin's SourceType
     * would not be the agent's. Its task runs under the plugin's class loader as context loader.
     */
    @Test
    void theApiKafkaAndSlf4jComeFromTheAgentEvenWhenAPluginBundlesThem() throws Exception {
        AgentFixture fixture = AgentFixture.in(dir).write("bundling", """
                sources:
                  numbers:
                    type: sequence
                    topic: plugins.bundling
                    count: 10
                """);
        Path plugins = dir.resolve("plugins");
        Files.delete(plugins.resolve("sequence.jar"));
        TestPlugins.jarPlugin(plugins, "bundling", new Class<?>[] {SequenceSourceType.class, SequenceSource.class,
                SourceType.class, SourceTask.class, SourceRecord.class, Position.class, Settings.class,
                Header.class, LoggerFactory.class}, SequenceSourceType.class);

        try (AgentProcess agent = fixture.start()) {
            assertThat(KafkaReader.values(fixture.awaitCount(agent, "plugins.bundling", 10, AgentFixture.STARTUP)))
                    .containsExactly("record-0", "record-1", "record-2", "record-3", "record-4",
                            "record-5", "record-6", "record-7", "record-8", "record-9");
            assertThat(agent.lines()).anyMatch(line -> line.contains("sequence task's context class loader is its plugin's: true"));
        }
    }
}
