package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void runAndValidateWithOnlyTheirConfigAreReadWithoutPicocliAndEverythingElseWithIt() {
        assertThat(Main.withConfigOnly("run", "--config", "a.yaml")).isInstanceOf(Main.Run.class)
                .extracting(command -> command.config).isEqualTo(Path.of("a.yaml"));
        assertThat(Main.withConfigOnly("run", "-c", "a.yaml")).isInstanceOf(Main.Run.class);
        assertThat(Main.withConfigOnly("validate", "--config=a.yaml")).isInstanceOf(Main.Validate.class)
                .extracting(command -> command.config).isEqualTo(Path.of("a.yaml"));
        assertThat(Main.withConfigOnly("run", "--config", "a.yaml", "--help")).isNull();
        assertThat(Main.withConfigOnly("run", "--config", "--help")).isNull();
        assertThat(Main.withConfigOnly("run", "--config=")).isNull();
        assertThat(Main.withConfigOnly("run")).isNull();
        assertThat(Main.withConfigOnly("plugins", "--config", "a.yaml")).isNull();
    }

    @Test
    void validateWithoutPicocliReportsAsPicocliWould(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), "agent:\n  id: [\n");

        assertThat(Main.execute("validate", "--config", config.toString())).isEqualTo(Main.INVALID);

        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(config + ":").endsWith("1 error in " + config + "\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
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
