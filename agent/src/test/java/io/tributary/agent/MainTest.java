package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command line without a config: help, and the exit code 1 of a wrong command line. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream systemOut;
    private PrintStream systemErr;

    @BeforeEach
    void capture() {
        systemOut = System.out;
        systemErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(systemOut);
        System.setErr(systemErr);
    }

    @Test
    void helpListsEveryCommandAndExitsZero() {
        assertThat(Main.execute("--help")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Usage: tributary")
                .containsPattern("(?m)^\\s+run\\s+Run the agent in the foreground until SIGTERM or SIGINT\\.$")
                .containsPattern("(?m)^\\s+validate\\s+Load plugins and check the whole config file; print every error\\.$")
                .containsPattern("(?m)^\\s+plugins\\s+")
                .containsPattern("(?m)^\\s+checkpoints\\s+Show, set or reset committed checkpoints\\.$");
    }

    @Test
    void aCommandWithoutItsConfigExitsOneNamingTheOption() {
        assertThat(Main.execute("run")).isEqualTo(Main.INVALID);

        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("tributary: Missing required option: '--config=FILE'");
    }

    @Test
    void anUnknownCommandExitsOne() {
        assertThat(Main.execute("runn")).isEqualTo(Main.INVALID);

        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("tributary: Unmatched argument at index 0: 'runn'");
    }

    @Test
    void resetNeedsTheSourceToForget() {
        assertThat(Main.execute("checkpoints", "reset", "--config", "agent.yaml")).isEqualTo(Main.INVALID);

        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("tributary: Missing required option: '--source=NAME'");
    }
}
