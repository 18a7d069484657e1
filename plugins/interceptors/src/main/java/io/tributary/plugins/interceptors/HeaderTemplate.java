package io.tributary.plugins.interceptors;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value of a header the {@code headers} interceptor adds: text with the placeholders
 * {@code {host}}, {@code {agent_id}} and {@code {source}}. Braces, not {@code ${...}}: the agent
 * resolves {@code ${NAME}} from the environment before any plugin sees the value.
 */
record HeaderTemplate(String text) {
    static final List<String> PLACEHOLDERS = List.of("host", "agent_id", "source");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    /** The first placeholder in {@code text} that is none of {@link #PLACEHOLDERS}. */
    static Optional<String> unknownPlaceholder(String text) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            if (!PLACEHOLDERS.contains(matcher.group(1))) {
                return Optional.of(matcher.group());
            }
        }
        return Optional.empty();
    }

    boolean usesSource() {
        return text.contains("{source}");
    }

    /** The text with every placeholder replaced; a null {@code source} becomes empty. */
    String render(String host, String agentId, String source) {
        return PLACEHOLDER.matcher(text).replaceAll(match -> Matcher.quoteReplacement(switch (match.group(1)) {
            case "host" -> host;
            case "agent_id" -> agentId;
            case "source" -> source == null ? "" : source;
            default -> match.group();
        }));
    }
}
