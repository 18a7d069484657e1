package io.tributary.transforms;

import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * {@code matches}: a predicate true when a regular expression finds a match in the value's text
 * (string or UTF-8 bytes) or in one field of it (its text, for numbers and booleans too). A record
 * without the field does not match. Use it with Connect's {@code Filter} or on any transform's
 * {@code predicate}; the {@code filter} transform is the shorthand.
 */
public final class Matches<R extends ConnectRecord<R>> implements Predicate<R> {
    public static final String TYPE = "matches";
    static final ConfigDef CONFIG = define(new ConfigDef());

    private Pattern pattern;
    private String field;

    static ConfigDef define(ConfigDef def) {
        def.define(Configs.PATTERN, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Configs.REGEX,
                ConfigDef.Importance.HIGH, "The regular expression (Java syntax) to find in the text.");
        return Configs.define(def, Configs.FIELD, "", Configs.fieldDocumentation("match"));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG, configs, false);
        configure(config.getString(Configs.PATTERN), config.getString(Configs.FIELD));
    }

    void configure(String regex, String field) {
        this.pattern = Pattern.compile(regex);
        this.field = field;
    }

    @Override
    public boolean test(R record) {
        Object value = field.isEmpty() ? record.value() : Fields.get(record.value(), field);
        String text = Fields.text(value);
        return text != null && pattern.matcher(text).find();
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void close() {
    }
}
