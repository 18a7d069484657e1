package io.tributary.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.agent.config.LoggingSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Drives the logback setup of the agent's own logback.xml, as {@code tributary run} does. */
class LoggingTest {
    private static final LoggingSettings TEXT = new LoggingSettings(LoggingSettings.TEXT, Map.of());
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final PrintStream systemOut = System.out;

    @AfterEach
    void restoreDefaults() {
        Logging.apply(TEXT);
        System.setOut(systemOut);
    }

    @Test
    void formatJsonMakesTheConsoleWriteJsonLines() throws Exception {
        Logging.apply(new LoggingSettings(LoggingSettings.JSON, Map.of()));

        String output = captureStdout(() -> LoggerFactory.getLogger("io.tributary.test").info("Started {} source(s)", 2));

        JsonNode json = new ObjectMapper().readTree(output);
        assertThat(json.get("message").asText()).isEqualTo("Started 2 source(s)");
        assertThat(json.get("logger").asText()).isEqualTo("io.tributary.test");
        assertThat(output).hasLineCount(1);
    }

    @Test
    void applyingTextAgainRestoresTheEncoderOfLogbackXml() throws Exception {
        Logging.apply(new LoggingSettings(LoggingSettings.JSON, Map.of()));
        Logging.apply(TEXT);

        assertThat(stdoutAppender().getEncoder()).isInstanceOf(PatternLayoutEncoder.class);
        String output = captureStdout(() -> LoggerFactory.getLogger("io.tributary.test").warn("Plain again"));
        assertThat(output).matches("\\d{4}-\\d{2}-\\d{2}T.* WARN  \\[.*] io.tributary.test - Plain again\\R");
    }

    @Test
    void levelsSetLoggerLevelsAndALaterApplyUndoesThoseItDoesNotName() {
        Logging.apply(new LoggingSettings(LoggingSettings.TEXT,
                Map.of("io.tributary.plugins.file", "DEBUG", "org.apache.kafka", "ERROR")));

        assertThat(context.getLogger("io.tributary.plugins.file").getLevel()).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("org.apache.kafka").getLevel()).isEqualTo(Level.ERROR);

        Logging.apply(new LoggingSettings(LoggingSettings.TEXT, Map.of("io.tributary.plugins.file", "TRACE")));

        assertThat(context.getLogger("io.tributary.plugins.file").getLevel()).isEqualTo(Level.TRACE);
        assertThat(context.getLogger("org.apache.kafka").getLevel()).as("back to logback.xml's level").isEqualTo(Level.WARN);
    }

    private OutputStreamAppender<?> stdoutAppender() {
        return (OutputStreamAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
    }

    private String captureStdout(Runnable logging) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            logging.run();
        } finally {
            System.setOut(systemOut);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
