package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AgentProcessTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String MAIN = EchoMain.class.getName();

    @Test
    void runReturnsTheExitCodeAndEverythingPrinted() {
        AgentProcess.Result result = AgentProcess.run(MAIN, TIMEOUT, "print", "first line", "second line");

        assertThat(result.exitCode()).isZero();
        assertThat(result.lines()).containsExactly("first line", "second line", "done on stderr");
        assertThat(result.output()).isEqualTo("first line\nsecond line\ndone on stderr");
    }

    @Test
    void runReturnsAFailingExitCode() {
        assertThat(AgentProcess.run(MAIN, TIMEOUT, "exit", "2").exitCode()).isEqualTo(2);
    }

    @Test
    void runKillsACommandThatDoesNotEndInTime() {
        assertThatThrownBy(() -> AgentProcess.run(MAIN, Duration.ofSeconds(2), "serve"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("still runs after PT2S")
                .hasMessageEndingWith("\nserving");
    }

    @Test
    void passesEnvironmentVariables() {
        try (AgentProcess agent = AgentProcess.start(MAIN, Map.of("AGENT_ID", "edge-7"), List.of(), "env", "AGENT_ID")) {
            assertThat(agent.waitFor(TIMEOUT)).isZero();
            assertThat(agent.lines()).containsExactly("AGENT_ID=edge-7");
        }
    }

    @Test
    void sigtermLetsTheAgentStopGracefully() throws Exception {
        try (AgentProcess agent = AgentProcess.start(MAIN, Map.of(), List.of(), "serve")) {
            assertThat(agent.awaitLine("serv", TIMEOUT)).isTrue();
            assertThat(agent.isAlive()).isTrue();

            agent.sigterm();

            assertThat(agent.waitFor(TIMEOUT)).isEqualTo(143);
            assertThat(agent.isAlive()).isFalse();
            assertThat(agent.lines()).containsExactly("serving", "stopping gracefully");
            assertThat(Files.readAllLines(agent.outputFile())).containsExactly("serving", "stopping gracefully");
        }
    }

    @Test
    void sigkillStopsTheAgentWithoutItsShutdownHooks() {
        try (AgentProcess agent = AgentProcess.start(MAIN, Map.of(), List.of(), "serve")) {
            assertThat(agent.awaitLine("serving", TIMEOUT)).isTrue();

            agent.sigkill();

            assertThat(agent.waitFor(TIMEOUT)).isEqualTo(137);
            assertThat(agent.lines()).containsExactly("serving");
        }
    }

    @Test
    void awaitLineIsFalseWhenTheAgentExitedWithoutPrintingIt() {
        try (AgentProcess agent = AgentProcess.start(MAIN, Map.of(), List.of(), "print", "something else")) {
            assertThat(agent.awaitLine("never printed", TIMEOUT)).isFalse();
            assertThat(agent.waitFor(Duration.ofSeconds(5))).isZero();
        }
    }

    @Test
    void closeKillsTheAgent() {
        AgentProcess agent = AgentProcess.start(MAIN, Map.of(), List.of(), "serve");
        assertThat(agent.awaitLine("serving", TIMEOUT)).isTrue();

        agent.close();

        assertThat(agent.isAlive()).isFalse();
        assertThat(ProcessHandle.of(agent.pid())).isEmpty();
    }

    @Test
    void aChildHaltsWhenItsParentIsKilled() throws Exception {
        Process parent = new ProcessBuilder("sleep", "60").start();
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                ChildMain.class.getName(), Long.toString(parent.pid()), MAIN, "serve")
                .redirectErrorStream(true)
                .start();
        try {
            assertThat(new String(child.getInputStream().readNBytes("serving".length()))).isEqualTo("serving");

            parent.destroyForcibly();

            assertThat(child.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);
        } finally {
            child.destroyForcibly();
            parent.destroyForcibly();
        }
    }
}
