package io.tributary.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLinesEncoderTest {
    private final LoggerContext context = new LoggerContext();
    private final JsonLinesEncoder encoder = new JsonLinesEncoder();

    @Test
    void anEventIsOneLineOfJsonWithItsTimeLevelLoggerThreadAndMessage() throws Exception {
        LoggingEvent event = event("Read {} line(s) from \"{}\"", new Object[] {3, "/var/log/app.log"}, null, Map.of());

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("timestamp").asText()).isEqualTo("2024-05-06T07:08:09.123Z");
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("logger").asText()).isEqualTo("io.tributary.test");
        assertThat(json.get("thread").asText()).isEqualTo("source-app-logs");
        assertThat(json.get("message").asText()).isEqualTo("Read 3 line(s) from \"/var/log/app.log\"");
        assertThat(json.has("exception")).isFalse();
        assertThat(json.has("mdc")).isFalse();
    }

    @Test
    void anExceptionIsWrittenAsItsStackTraceAndTheMdcAsAnObject() throws Exception {
        LoggingEvent event = event("Commit failed", null, new IllegalStateException("broker gone"), Map.of("source", "app-logs"));

        JsonNode json = new ObjectMapper().readTree(encoder.encode(event));

        assertThat(json.get("exception").asText())
                .startsWith("java.lang.IllegalStateException: broker gone")
                .contains("at io.tributary.agent.logging.JsonLinesEncoderTest");
        assertThat(json.get("mdc").get("source").asText()).isEqualTo("app-logs");
    }

    private LoggingEvent event(String message, Object[] args, Throwable thrown, Map<String, String> mdc) {
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("io.tributary.test"), Level.WARN, message, thrown, args);
        event.setTimeStamp(java.time.Instant.parse("2024-05-06T07:08:09.123Z").toEpochMilli());
        event.setThreadName("source-app-logs");
        event.setMDCPropertyMap(mdc);
        return event;
    }
}
