package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The testkit's own tests run without the agent: what a plugin's tests see when they forget it. */
class TestSettingsTest {

    @Test
    void withoutTheAgentOnTheClassPathParsingSaysWhichDependencyIsMissing() {
        assertThatThrownBy(() -> TestSettings.parse("topic: logs\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TestSettings reads settings as the agent does: add a test dependency on tributary-agent"
                        + " (io.tributary.agent.config.YamlSettings is not on the class path)");
    }
}
