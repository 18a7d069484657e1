package io.tributary.transforms;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * {@code filter}: keeps or drops the records whose value, or one field of it, a regular expression
 * matches ({@code action: keep} keeps only those, like Vector's {@code filter}; {@code action: drop}
 * drops them, like Filebeat's {@code drop_event}). The same as Connect's {@code Filter} with the
 * {@link Matches} predicate, in one entry.
 */
public final class Filter<R extends ConnectRecord<R>> implements Transformation<R> {
    public static final String TYPE = "filter";
    static final String ACTION = "action";
    static final ConfigDef CONFIG = Matches.define(new ConfigDef())
            .define(ACTION, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Configs.oneOf("keep", "drop"),
                    ConfigDef.Importance.HIGH, "keep: only matching records go on; drop: matching records are dropped.");

    private final Matches<R> matches = new Matches<>();
    private boolean keep;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG, configs, false);
        matches.configure(config.getString(Configs.PATTERN), config.getString(Configs.FIELD));
        keep = config.getString(ACTION).equals("keep");
    }

    @Override
    public R apply(R record) {
        return matches.test(record) == keep ? record : null;
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void close() {
    }
}
