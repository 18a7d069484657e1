package io.tributary.agent.checkpoint;

import io.tributary.api.Position;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A position as an operator reads and writes it on the command line: {@code name=value,name=value},
 * the form {@code checkpoints list} prints and {@code checkpoints set --position} takes. A
 * {@code \}, {@code ,} or {@code =} inside a name or value is written with a {@code \} before it.
 */
public final class PositionText {

    private PositionText() {
    }

    public static String format(Position position) {
        StringJoiner text = new StringJoiner(",");
        position.fields().forEach((name, value) -> text.add(escape(name) + "=" + escape(value)));
        return text.toString();
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code text} */
    public static Position parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        StringBuilder name = new StringBuilder();
        StringBuilder value = null;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ',';
            if (c == '\\' && i + 1 < text.length()) {
                (value == null ? name : value).append(text.charAt(++i));
            } else if (c == '=' && value == null) {
                value = new StringBuilder();
            } else if (c == ',') {
                if (name.isEmpty() || value == null) {
                    throw new IllegalArgumentException("must be NAME=VALUE[,NAME=VALUE...] as checkpoints list prints it, got \""
                            + text + "\"");
                }
                if (fields.put(name.toString(), value.toString()) != null) {
                    throw new IllegalArgumentException("names the field \"" + name + "\" twice: \"" + text + "\"");
                }
                name = new StringBuilder();
                value = null;
            } else {
                (value == null ? name : value).append(c);
            }
        }
        return Position.of(fields);
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
    }
}
