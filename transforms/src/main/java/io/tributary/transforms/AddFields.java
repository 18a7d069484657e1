package io.tributary.transforms;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * {@code add_fields}: adds to the value (a JSON object) where it comes from: the host name, the
 * agent's id and the source's name, each into the field named by its setting (Filebeat's
 * {@code add_host_metadata} and {@code add_fields}, Vector's {@code .host = get_hostname!()}).
 * Fixed values are Connect's {@code InsertField} ({@code static.field}, {@code static.value}).
 *
 * <p>The agent passes its id and the source's name as {@value #AGENT_ID_CONFIG} and
 * {@value #SOURCE_NAME_CONFIG}; on a Connect cluster set them in the transform's config.
 */
public final class AddFields<R extends ConnectRecord<R>> implements Transformation<R> {
    public static final String TYPE = "add_fields";
    public static final String AGENT_ID_CONFIG = "tributary.agent.id";
    public static final String SOURCE_NAME_CONFIG = "tributary.source.name";
    static final String HOST_FIELD = "host_field";
    static final String AGENT_ID_FIELD = "agent_id_field";
    static final String SOURCE_FIELD = "source_field";
    static final ConfigDef CONFIG = Configs.define(Configs.define(Configs.define(new ConfigDef(),
                            HOST_FIELD, "", "The field to set to this machine's host name; empty for none."),
                    AGENT_ID_FIELD, "", "The field to set to the agent's id (agent.id); empty for none."),
            SOURCE_FIELD, "", "The field to set to the source's name; empty for none.")
            .define(AGENT_ID_CONFIG, ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW,
                    "The agent's id; the agent sets it.")
            .define(SOURCE_NAME_CONFIG, ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW,
                    "The source's name; the agent sets it.");

    private final Map<String, String> fields = new LinkedHashMap<>();

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG, configs, false);
        add(config, HOST_FIELD, hostName());
        add(config, AGENT_ID_FIELD, config.getString(AGENT_ID_CONFIG));
        add(config, SOURCE_FIELD, config.getString(SOURCE_NAME_CONFIG));
        if (fields.isEmpty()) {
            throw new ConfigException("set at least one of " + HOST_FIELD + ", " + AGENT_ID_FIELD + " and " + SOURCE_FIELD);
        }
    }

    private void add(AbstractConfig config, String setting, String value) {
        String field = config.getString(setting);
        if (field.isEmpty()) {
            return;
        }
        if (value.isEmpty()) {
            throw new ConfigException(setting, field, "there is no value to put there"
                    + (setting.equals(HOST_FIELD) ? ": the host name is unknown" : "; outside the agent set "
                    + (setting.equals(AGENT_ID_FIELD) ? AGENT_ID_CONFIG : SOURCE_NAME_CONFIG)));
        }
        fields.put(field, value);
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "";
        }
    }

    @Override
    public R apply(R record) {
        Map<?, ?> added = Fields.requireMap(record.value(), TYPE);
        for (Map.Entry<String, String> field : fields.entrySet()) {
            added = Fields.with(added, field.getKey(), field.getValue());
        }
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                null, added, record.timestamp());
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void close() {
    }
}
