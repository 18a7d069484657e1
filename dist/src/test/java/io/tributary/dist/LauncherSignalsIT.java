package io.tributary.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * nohup starts a command with SIGHUP ignored, and a JVM never handles a signal it inherited as
 * ignored: bin/tributary gives {@code run} SIGHUP's default back, so that SIGHUP still reloads.
 */
class LauncherSignalsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void anAgentStartedWithSighupIgnoredAsByNohupStillReloadsOnSighup() throws Exception {
        try (TreeCopy tree = new TreeCopy()) {
            Path config = tree.writeFileSourceConfig("launcher-signals", KafkaBroker.shared().bootstrapServers(), "launcher-signals");
            Process agent = tree.startAgent(List.of("env", "--ignore-signal=HUP"), config, Map.of("TRIBUTARY_CDS", "off"));
            try {
                await("running").atMost(WAIT).until(() -> tree.agentOutput().contains(" running 1 source(s) "));
                assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(agent.pid())).start().waitFor()).isZero();
                await("reloaded").atMost(WAIT).until(() -> tree.agentOutput().contains(
                        "Reloaded " + config + ": added [], removed [], restarted [], 1 unchanged"));
            } finally {
                agent.destroy();
                assertThat(agent.waitFor(45, TimeUnit.SECONDS)).as("stopped within 45 s").isTrue();
            }
            assertThat(agent.exitValue()).as(tree::agentOutput).isZero();
            assertThat(tree.agentOutput()).doesNotContain("SIGHUP is ignored");
        }
    }
}
