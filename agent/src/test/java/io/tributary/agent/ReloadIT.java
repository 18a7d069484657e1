package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import io.tributary.testkit.TestAgent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP: the config is read again; sources added, removed and changed; nothing lost or repeated. */
class ReloadIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static String source(String name, String topic, long count, String extra) {
        return """
                  %s:
                    type: sequence
                    topic: %s
                    count: %d
                    per_poll: 50
                    pause_per_poll: 20ms
                %s""".formatted(name, topic, count, extra);
    }

    private static List<String> expected(long count) {
        return LongStream.range(0, count).mapToObj(n -> "record-" + n).collect(Collectors.toList());
    }

    private static void sighup(AgentProcess agent) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(agent.pid())).start().waitFor()).isZero();
    }

    @Test
    void reloadAddsRemovesAndRestartsSourcesWithoutLossOrDuplicates() throws Exception {
        AgentFixture fixture = AgentFixture.in(dir).write("reload", "sources:\n"
                + source("kept", "reload.kept", 3000, "")
                + source("changed", "reload.changed", 3000, "")
                + source("removed", "reload.removed", 1_000_000, ""));
        String bootstrap = fixture.broker.bootstrapServers();
        int removedAtReload;
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "reload.changed", 500, WAIT);

            fixture.write("reload", "sources:\n"
                    + source("kept", "reload.kept", 3000, "")
                    + source("changed", "reload.changed", 3000, "    large_at: -2\n")
                    + source("added", "reload.added", 20_000, ""));
            assertThat(agent.lines()).as("the test kit starts the agent with SIGHUP at its default, whatever the build inherited")
                    .noneMatch(line -> line.contains("SIGHUP is ignored"));
            sighup(agent);
            assertThat(agent.awaitLine("Reloaded", WAIT)).as(() -> "\"Reloaded\" within " + WAIT + "; the agent printed:\n"
                    + TestAgent.tail(agent)).isTrue();
            // The removed source stopped only once what it read was committed: that is all it ever writes.
            removedAtReload = KafkaReader.readAll(bootstrap, "reload.removed").size();
            assertThat(agent.lines()).anyMatch(line -> line.contains(
                    "added [added], removed [removed], restarted [changed], 1 unchanged"));
            assertThat(agent.lines().stream().filter(line -> line.contains("Source kept (sequence) started"))).hasSize(1);
            assertThat(agent.lines()).as("the task the reload made for the unchanged source is closed")
                    .anyMatch(line -> line.contains("sequence task for topic reload.kept closed unstarted"));
            assertThat(restartedAt(agent, "changed")).as("the changed source restarted mid-stream from its checkpoint")
                    .isBetween(500L, 2999L);

            fixture.write("reload", "sources:\n  broken:\n    type: sequence\n");
            sighup(agent);
            assertThat(agent.awaitLine("Reload rejected", WAIT)).isTrue();
            assertThat(agent.awaitLine("sources.broken: missing required setting \"topic\"", WAIT)).isTrue();
            int addedAtRejection = KafkaReader.readAll(bootstrap, "reload.added").size();

            fixture.awaitCount(agent, "reload.kept", 3000, WAIT);
            fixture.awaitCount(agent, "reload.changed", 3000, WAIT);
            fixture.awaitCount(agent, "reload.added", 20_000, WAIT);
            assertThat(addedAtRejection).as("the sources kept running after the rejected reload").isLessThan(20_000);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
        }
        assertThat(KafkaReader.values(KafkaReader.readAll(bootstrap, "reload.kept"))).containsExactlyElementsOf(expected(3000));
        assertThat(KafkaReader.values(KafkaReader.readAll(bootstrap, "reload.changed"))).containsExactlyElementsOf(expected(3000));
        assertThat(KafkaReader.values(KafkaReader.readAll(bootstrap, "reload.added"))).containsExactlyElementsOf(expected(20_000));
        List<String> removed = KafkaReader.values(KafkaReader.readAll(bootstrap, "reload.removed"));
        assertThat(removed).isNotEmpty().containsExactlyElementsOf(expected(removed.size()));
        assertThat(removed).hasSize(removedAtReload);
    }

    @Test
    void anAgentStartedWithSighupIgnoredSaysItCannotReloadAndRunsOn() throws Exception {
        AgentFixture fixture = AgentFixture.in(dir).write("reload-deaf", "sources:\n" + source("only", "reload.deaf", 200, ""));
        try (AgentProcess agent = fixture.startIgnoring("HUP")) {
            assertThat(agent.lines()).anyMatch(line -> line.contains(" WARN ") && line.endsWith(
                    " - SIGHUP is ignored in this process, as under nohup, so `kill -HUP` cannot reload " + fixture.config
                            + ": start the agent with bin/tributary, which restores SIGHUP, or restart it to apply a changed config"));
            sighup(agent);
            fixture.awaitCount(agent, "reload.deaf", 200, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
            assertThat(agent.lines()).noneMatch(line -> line.contains("Reloading"));
        }
        assertThat(KafkaReader.values(KafkaReader.readAll(fixture.broker.bootstrapServers(), "reload.deaf")))
                .containsExactlyElementsOf(expected(200));
    }

    /** Where the source's second task started: the sequence source logs it, under the source's logger. */
    private static long restartedAt(AgentProcess agent, String source) {
        Pattern started = Pattern.compile("source\\." + Pattern.quote(source) + "\\b.*sequence starts at (\\d+)");
        List<Long> starts = agent.lines().stream().map(started::matcher).filter(Matcher::find)
                .map(m -> Long.parseLong(m.group(1))).toList();
        assertThat(starts).as("starts of source " + source).hasSize(2).first().isEqualTo(0L);
        return starts.get(1);
    }
}
