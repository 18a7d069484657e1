package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestAgentTest {

    @TempDir
    Path dir;

    @Test
    void writesTheAgentSectionInKeyOrderThenTheBrokerThenTheRest() throws IOException {
        KafkaBroker broker = KafkaBroker.shared();
        TestAgent agent = TestAgent.in(dir, broker).write("edge-1", Map.of("http", "off", "delivery", "at_least_once"), """
                sources:
                  numbers:
                    type: counter
                """);

        assertThat(agent.config()).isEqualTo(dir.resolve("agent.yaml"));
        assertThat(agent.broker()).isSameAs(broker);
        assertThat(Files.readString(agent.config())).isEqualTo("""
                agent:
                  id: edge-1
                  delivery: at_least_once
                  http: off
                kafka:
                  bootstrap_servers: %s
                sources:
                  numbers:
                    type: counter
                """.formatted(broker.bootstrapServers()));
    }

    @Test
    void writingAgainReplacesTheConfigAndTurnsHttpOffByDefault() throws IOException {
        TestAgent agent = TestAgent.in(dir).write("first", "sources: {}\n").write("second", "sources:\n  b: {}\n");

        assertThat(Files.readString(agent.config())).isEqualTo("""
                agent:
                  id: second
                  http: off
                kafka:
                  bootstrap_servers: %s
                sources:
                  b: {}
                """.formatted(KafkaBroker.shared().bootstrapServers()));
    }

    @Test
    void refusesAnIdAmongTheAgentSettings() {
        TestAgent agent = TestAgent.in(dir);

        assertThatThrownBy(() -> agent.write("edge-1", Map.of("id", "edge-2"), ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agentSettings hold \"id\"; pass the agent's id as agentId");
        assertThat(agent.config()).doesNotExist();
    }

    @Test
    void copiesPluginsIntoAnEmptyPluginsFolderReplacingOneOfTheSameName() throws IOException {
        Path build = Files.createDirectories(dir.resolve("build"));
        Path zip = Files.writeString(build.resolve("counter-1.0.0.zip"), "first build");
        TestAgent agent = TestAgent.in(dir.resolve("agent"));
        assertThat(agent.pluginsDir()).isEqualTo(dir.resolve("agent/plugins")).isEmptyDirectory();

        agent.plugin(zip);
        Files.writeString(zip, "second build");
        agent.plugin(zip).plugin(Files.writeString(build.resolve("audit.jar"), "jar"));

        assertThat(agent.pluginsDir().resolve("counter-1.0.0.zip")).hasContent("second build");
        assertThat(agent.pluginsDir().resolve("audit.jar")).hasContent("jar");
        assertThat(zip).exists();
    }

    @Test
    void refusesAPluginThatIsNoFile() {
        TestAgent agent = TestAgent.in(dir);
        Path missing = dir.resolve("target/missing.zip");

        assertThatThrownBy(() -> agent.plugin(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no plugin zip or jar at " + missing);
        assertThatThrownBy(() -> agent.plugin(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no plugin zip or jar at " + dir);
    }

    @Test
    void theBuiltPluginZipComesFromItsSystemProperty() {
        String before = System.getProperty(TestAgent.PLUGIN_ZIP_PROPERTY);
        try {
            System.clearProperty(TestAgent.PLUGIN_ZIP_PROPERTY);
            assertThatThrownBy(TestAgent::builtPluginZip)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("system property tributary.plugin.zip is not set: run integration tests through"
                            + " failsafe (mvn verify), which sets it to the built plugin zip");

            System.setProperty(TestAgent.PLUGIN_ZIP_PROPERTY, "/build/target/counter-1.0.0.zip");
            assertThat(TestAgent.builtPluginZip()).isEqualTo(Path.of("/build/target/counter-1.0.0.zip"));
        } finally {
            if (before == null) {
                System.clearProperty(TestAgent.PLUGIN_ZIP_PROPERTY);
            } else {
                System.setProperty(TestAgent.PLUGIN_ZIP_PROPERTY, before);
            }
        }
    }
}
