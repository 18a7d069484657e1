package io.tributary.transforms;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * {@code parse_json}: parses JSON text, the whole value or one field of it, into the schemaless
 * value {@code JsonConverter} gives (a map for an object). Filebeat's {@code decode_json_fields},
 * Vector's {@code parse_json!}. A value that is already parsed goes on unchanged; text that is not
 * JSON is an error, for the source's {@code on_error}.
 */
public final class ParseJson<R extends ConnectRecord<R>> implements Transformation<R> {
    public static final String TYPE = "parse_json";
    static final ConfigDef CONFIG = Configs.define(new ConfigDef(), Configs.FIELD, "",
            Configs.fieldDocumentation("parse; it is replaced by what it holds"));

    private String field;

    @Override
    public void configure(Map<String, ?> configs) {
        field = new AbstractConfig(CONFIG, configs, false).getString(Configs.FIELD);
    }

    @Override
    public R apply(R record) {
        Object value = record.value();
        Object parsed;
        if (field.isEmpty()) {
            parsed = parse(value);
        } else {
            Map<?, ?> map = Fields.requireMap(value, TYPE + " with field " + field);
            Object text = Fields.get(map, field);
            if (text == null) {
                return record;
            }
            parsed = Fields.with(map, field, parse(text));
        }
        if (parsed == value) {
            return record;
        }
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                null, parsed, record.timestamp());
    }

    private static Object parse(Object value) {
        if (value instanceof byte[] bytes) {
            return JsonValues.parse(bytes);
        }
        if (value instanceof String text) {
            return JsonValues.parse(text);
        }
        if (value == null || value instanceof Map || value instanceof Iterable) {
            return value;
        }
        throw new DataException(TYPE + " needs JSON text, got " + Fields.describe(value));
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void close() {
    }
}
