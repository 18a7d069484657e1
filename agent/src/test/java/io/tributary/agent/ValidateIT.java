package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.testkit.AgentProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tributary validate} as a user runs it: every error at once, with file, line and YAML path. */
class ValidateIT {
    @TempDir
    Path dir;

    @Test
    void aBadConfigPrintsEveryErrorWithPathAndLine() {
        AgentFixture fixture = AgentFixture.in(dir).write("validate", """
                sources:
                  numbers:
                    type: sequence
                    topic: numbers
                    count: lots
                    pause_per_poll: soon
                  typo:
                    type: sequense
                    topic: t
                  extra:
                    type: sequence
                    topic: t
                    cuont: 5
                """);
        AgentProcess.Result result = fixture.command("validate");
        String file = fixture.config.toString();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.lines()).containsSubsequence(
                file + ":10:5: sources.numbers.count: must be an integer, got \"lots\"",
                file + ":11:5: sources.numbers.pause_per_poll: must be a duration like 250ms, 5s or 1m, got \"soon\"",
                file + ":13:5: sources.typo.type: no loaded plugin offers source type \"sequense\", did you mean \"sequence\"?; loaded: sequence",
                file + ":18:5: sources.extra.cuont: unknown setting, did you mean \"count\"?",
                "4 errors in " + file);
    }

    @Test
    void aValidConfigPassesAndNamesWhatItHolds() {
        AgentFixture fixture = AgentFixture.in(dir).write("validate-ok", """
                sources:
                  numbers:
                    type: sequence
                    topic: numbers
                """);
        AgentProcess.Result result = fixture.command("validate");
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains(fixture.config + ": valid (1 source(s), 0 interceptor(s))");
    }
}
