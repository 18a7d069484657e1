package io.tributary.transforms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * {@code parse_regex}: matches a regular expression against the value's text, or one field's, and
 * turns its named groups into fields (Vector's {@code parse_regex!}, Filebeat's {@code dissect} with
 * a pattern instead of delimiters). On the whole value, the value becomes the object of the groups;
 * on a field, the groups are added to the value's top level. Groups that did not take part in the
 * match are left out; a record without the field counts as not matching. Java group names are
 * letters and digits only: {@code (?<level>\w+)}.
 */
public final class ParseRegex<R extends ConnectRecord<R>> implements Transformation<R> {
    public static final String TYPE = "parse_regex";
    static final String NO_MATCH = "no_match";
    private static final Pattern GROUP_NAME = Pattern.compile("(?<!\\\\)\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
    static final ConfigDef CONFIG = Configs.define(new ConfigDef()
                    .define(Configs.PATTERN, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                            ConfigDef.CompositeValidator.of(Configs.REGEX, ParseRegex::requireNamedGroup),
                            ConfigDef.Importance.HIGH, "The regular expression (Java syntax) with named groups; it must match the whole text."),
            Configs.FIELD, "", Configs.fieldDocumentation("parse"))
            .define(NO_MATCH, ConfigDef.Type.STRING, "fail", Configs.oneOf("fail", "keep", "drop"), ConfigDef.Importance.MEDIUM,
                    "When the text does not match: fail (an error, for the source's on_error), keep the record unchanged, or drop it.");

    private Pattern pattern;
    private List<String> groups;
    private String field;
    private String noMatch;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG, configs, false);
        String regex = config.getString(Configs.PATTERN);
        pattern = Pattern.compile(regex);
        groups = new ArrayList<>();
        Matcher names = GROUP_NAME.matcher(regex);
        while (names.find()) {
            groups.add(names.group(1));
        }
        field = config.getString(Configs.FIELD);
        noMatch = config.getString(NO_MATCH);
    }

    private static void requireNamedGroup(String name, Object value) {
        if (value != null && !GROUP_NAME.matcher((String) value).find()) {
            throw new ConfigException(name, value, "has no named group like (?<level>\\w+), so it would make no field");
        }
    }

    @Override
    public R apply(R record) {
        Object value = record.value();
        Object source = field.isEmpty() ? value : Fields.get(Fields.requireMap(value, TYPE + " with field " + field), field);
        if (source == null && !field.isEmpty()) {
            return noMatch(record, "the value has no field " + field);
        }
        String text = Fields.text(source);
        if (text == null) {
            throw new DataException(TYPE + " needs text" + (field.isEmpty() ? "" : " in field " + field) + ", got " + Fields.describe(source));
        }
        Matcher matcher = pattern.matcher(text);
        if (!matcher.matches()) {
            return noMatch(record, "the text does not match " + pattern.pattern());
        }
        Map<String, Object> parsed = field.isEmpty() ? new LinkedHashMap<>() : Fields.copy((Map<?, ?>) value);
        for (String group : groups) {
            String captured = matcher.group(group);
            if (captured != null) {
                parsed.put(group, captured);
            }
        }
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                null, parsed, record.timestamp());
    }

    private R noMatch(R record, String why) {
        return switch (noMatch) {
            case "keep" -> record;
            case "drop" -> null;
            default -> throw new DataException(TYPE + ": " + why);
        };
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void close() {
    }
}
