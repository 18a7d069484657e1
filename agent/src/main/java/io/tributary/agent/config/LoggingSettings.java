package io.tributary.agent.config;

import java.util.List;
import java.util.Map;

/**
 * The {@code logging:} section.
 *
 * @param format {@value #TEXT} or {@value #JSON}
 * @param levels logger name → level, one of {@link #LEVELS}
 */
public record LoggingSettings(String format, Map<String, String> levels) {

    public static final String TEXT = "text";
    public static final String JSON = "json";
    public static final String DEFAULT_FORMAT = TEXT;
    public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
}
