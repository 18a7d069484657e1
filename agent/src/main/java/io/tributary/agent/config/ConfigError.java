package io.tributary.agent.config;

import java.util.Comparator;

/**
 * One problem in a configuration file, printed as {@code file:line:column: path: message}.
 *
 * @param file    the file name as the user gave it, e.g. {@code agent.yaml}
 * @param line    1-based; 0 when the problem concerns the whole file (it cannot be read)
 * @param column  1-based; 0 with {@code line}
 * @param path    the YAML path, e.g. {@code sources.app-logs.topic}; empty for the file itself
 * @param message what is wrong, never containing a substituted value
 */
public record ConfigError(String file, int line, int column, String path, String message) {

    public static final Comparator<ConfigError> IN_FILE_ORDER =
            Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column);

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line).append(':').append(column);
        }
        text.append(": ");
        if (!path.isEmpty()) {
            text.append(path).append(": ");
        }
        return text.append(message).toString();
    }
}
