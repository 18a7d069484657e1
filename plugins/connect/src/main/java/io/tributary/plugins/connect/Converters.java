package io.tributary.plugins.connect;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

/**
 * The key, value and header converters of one Connect task, configured as Connect configures them
 * from {@code key.converter}, {@code value.converter}, {@code header.converter} and their prefixed
 * settings. Keys and values default to JSON without schemas (Connect's {@code JsonConverter} with
 * {@code schemas.enable=false}), what users of connectors expect to find in a topic; headers to
 * Connect's {@code SimpleHeaderConverter}. One instance per task: converters need not be thread-safe.
 */
final class Converters implements AutoCloseable {
    static final String KEY = "key.converter";
    static final String VALUE = "value.converter";
    static final String HEADER = "header.converter";
    static final String DEFAULT_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";
    static final String DEFAULT_HEADER_CONVERTER = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

    private final Converter key;
    private final Converter value;
    private final HeaderConverter header;

    private Converters(Converter key, Converter value, HeaderConverter header) {
        this.key = key;
        this.value = value;
        this.header = header;
    }

    /**
     * Makes and configures the converters {@code config} names.
     *
     * @throws IllegalArgumentException naming the setting whose class cannot be found or made
     */
    static Converters of(Map<String, String> config, PluginPath plugins) {
        Converter key = instantiate(plugins, config, KEY, DEFAULT_CONVERTER, Converter.class);
        Converter value = instantiate(plugins, config, VALUE, DEFAULT_CONVERTER, Converter.class);
        HeaderConverter header = instantiate(plugins, config, HEADER, DEFAULT_HEADER_CONVERTER, HeaderConverter.class);
        InLoader.run(key, () -> key.configure(settings(config, KEY), true));
        InLoader.run(value, () -> value.configure(settings(config, VALUE), false));
        InLoader.run(header, () -> header.configure(settings(config, HEADER)));
        return new Converters(key, value, header);
    }

    /** Checks that every converter {@code config} names can be found and made; for {@code validate}. */
    static void check(Map<String, String> config, PluginPath plugins, BiConsumer<String, String> errors) {
        for (String setting : new String[]{KEY, VALUE, HEADER}) {
            try {
                instantiate(plugins, config, setting, setting.equals(HEADER) ? DEFAULT_HEADER_CONVERTER : DEFAULT_CONVERTER, typeOf(setting));
            } catch (IllegalArgumentException e) {
                errors.accept(setting, e.getMessage().substring(setting.length() + 2));
            }
        }
    }

    /**
     * {@code config} with the converters it names by alias named by class, as Connect's worker hands
     * them to a connector: connectors that check them as {@code CLASS} settings know no aliases.
     */
    static Map<String, String> withClassNames(Map<String, String> config, PluginPath plugins) {
        Map<String, String> resolved = new HashMap<>(config);
        for (String setting : new String[]{KEY, VALUE, HEADER}) {
            String name = config.get(setting);
            if (name != null && !name.contains(".")) {
                try {
                    resolved.put(setting, plugins.find(name, typeOf(setting)).getName());
                } catch (IllegalArgumentException e) {
                    // Left as written: check() reports it.
                }
            }
        }
        return Map.copyOf(resolved);
    }

    /** The headers, key and value of {@code record} as bytes, in Connect's order: headers first. */
    Converted convert(SourceRecord record) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h.key(), header.fromConnectHeader(record.topic(), h.key(), h.schema(), h.value()));
        }
        byte[] keyBytes = key.fromConnectData(record.topic(), headers, record.keySchema(), record.key());
        byte[] valueBytes = value.fromConnectData(record.topic(), headers, record.valueSchema(), record.value());
        return new Converted(keyBytes, valueBytes, headers);
    }

    @Override
    public void close() {
        for (AutoCloseable converter : new AutoCloseable[]{key, value, header}) {
            try {
                converter.close();
            } catch (Exception e) {
                // A converter holds no data of ours; failing to release it loses nothing.
            }
        }
    }

    record Converted(byte[] key, byte[] value, RecordHeaders headers) {
    }

    private static Class<?> typeOf(String setting) {
        return setting.equals(HEADER) ? HeaderConverter.class : Converter.class;
    }

    /** The settings under {@code prefix.}, without it; JSON without schemas unless said otherwise. */
    private static Map<String, Object> settings(Map<String, String> config, String prefix) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("schemas.enable", "false");
        config.forEach((k, v) -> {
            if (k.startsWith(prefix + ".")) {
                settings.put(k.substring(prefix.length() + 1), v);
            }
        });
        return settings;
    }

    private static <T> T instantiate(PluginPath plugins, Map<String, String> config, String setting, String defaultClass,
                                     Class<T> type) {
        String name = config.getOrDefault(setting, defaultClass);
        try {
            return Plugins.instantiate(plugins.find(name, type));
        } catch (LinkageError e) {
            throw new IllegalArgumentException(setting + ": cannot make " + name + ": " + e, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
        }
    }
}
