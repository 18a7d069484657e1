package io.tributary.transforms;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Settings the transforms share, so that each is declared and checked the same way everywhere. */
final class Configs {
    static final String FIELD = "field";
    static final String PATTERN = "pattern";

    private Configs() {
    }

    /** A Java regular expression that must compile. */
    static final ConfigDef.Validator REGEX = (name, value) -> {
        if (value == null) {
            return;
        }
        try {
            Pattern.compile((String) value);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(name, value, "not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex());
        }
    };

    static ConfigDef.Validator oneOf(String... values) {
        return ConfigDef.ValidString.in(values);
    }

    static ConfigDef define(ConfigDef def, String name, String defaultValue, String documentation) {
        return def.define(name, ConfigDef.Type.STRING, defaultValue, ConfigDef.Importance.MEDIUM, documentation);
    }

    static String fieldDocumentation(String verb) {
        return "The field to " + verb + ", by name or dotted path into nested objects; empty for the whole value.";
    }
}
