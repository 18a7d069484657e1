package io.tributary.agent.transform;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.agent.config.ConfigError;
import io.tributary.agent.config.DidYouMean;
import io.tributary.agent.config.SourceConfig;
import io.tributary.agent.config.TransformConfig;
import io.tributary.agent.plugin.LibraryClasses;
import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.api.ValueFormat;
import io.tributary.transforms.AddFields;
import io.tributary.transforms.TributaryTransforms;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's transforms and predicates, created and configured from its YAML: what {@code validate}
 * checks and a running source applies. Each is created as Connect creates them (by class, with its
 * no-argument constructor), checked against its {@code config()} {@code ConfigDef}, then
 * {@code configure()}d with its settings and {@value AddFields#AGENT_ID_CONFIG} and
 * {@value AddFields#SOURCE_NAME_CONFIG}.
 */
public final class ConfiguredTransforms implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfiguredTransforms.class);

    private final ValueFormat format;
    private final List<TransformStep> steps;
    private final List<AutoCloseable> toClose;
    private final ClassLoader loader;

    private ConfiguredTransforms(ValueFormat format, List<TransformStep> steps, List<AutoCloseable> toClose, ClassLoader loader) {
        this.format = format;
        this.steps = steps;
        this.toClose = toClose;
        this.loader = loader;
    }

    /**
     * Creates and configures the transforms of {@code source}, adding every problem to
     * {@code errors}; null when there was any. {@code typeFormat} is the source type's
     * {@code value_format}; {@code loader} finds {@code class:} entries (the plain jars of
     * plugins_dir before the agent's class path, where Connect's own transforms are).
     */
    public static ConfiguredTransforms prepare(SourceConfig source, ValueFormat typeFormat, String agentId,
                                               ClassLoader loader, List<ConfigError> errors) {
        var config = source.transforms();
        ValueFormat format = config.valueFormat() != null ? config.valueFormat() : typeFormat;
        Map<String, String> agentConfigs = new HashMap<>();
        agentConfigs.put(AddFields.AGENT_ID_CONFIG, agentId == null ? "" : agentId);
        agentConfigs.put(AddFields.SOURCE_NAME_CONFIG, source.name());
        List<AutoCloseable> made = new ArrayList<>();
        Map<String, Predicate<SourceRecord>> predicates = new LinkedHashMap<>();
        int before = errors.size();
        try (LoaderSwap ignored = LoaderSwap.to(loader)) {
            config.predicates().forEach((name, entry) -> {
                Predicate<SourceRecord> predicate = create(entry, Predicate.class, TributaryTransforms.PREDICATES,
                        "predicate", loader, agentConfigs, errors);
                if (predicate != null) {
                    made.add(predicate);
                    predicates.put(name, predicate);
                }
            });
            List<TransformStep> steps = new ArrayList<>();
            for (TransformConfig entry : config.transforms()) {
                Transformation<SourceRecord> transform = create(entry, Transformation.class, TributaryTransforms.TRANSFORMS,
                        "transform", loader, agentConfigs, errors);
                if (transform != null) {
                    made.add(transform);
                    steps.add(new TransformStep(entry.type() != null ? entry.type() : entry.className(), transform,
                            entry.predicate() == null ? null : predicates.get(entry.predicate()), entry.negate()));
                }
            }
            ConfiguredTransforms configured = new ConfiguredTransforms(format, List.copyOf(steps), made, loader);
            if (errors.size() > before) {
                configured.close();
                return null;
            }
            return configured;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T create(TransformConfig entry, Class<?> kind, Map<String, Class<?>> types, String noun,
                                ClassLoader loader, Map<String, String> agentConfigs, List<ConfigError> errors) {
        T instance = instantiate(entry, kind, types, noun, loader);
        if (instance != null) {
            instance = configure(entry, instance, agentConfigs);
        }
        errors.addAll(entry.settings().finish());
        return instance;
    }

    @SuppressWarnings("unchecked")
    private static <T> T instantiate(TransformConfig entry, Class<?> kind, Map<String, Class<?>> types, String noun,
                                     ClassLoader loader) {
        Class<?> type;
        if (entry.type() != null) {
            type = types.get(entry.type());
            if (type == null) {
                List<String> known = types.keySet().stream().sorted().toList();
                entry.settings().error("type", "Tributary has no " + noun + " called \"" + entry.type() + "\""
                        + DidYouMean.closest(entry.type(), known).map(c -> ", did you mean \"" + c + "\"?").orElse("")
                        + "; Tributary's own are " + String.join(", ", known) + ", others are named by class:");
                return null;
            }
        } else if (entry.className() != null) {
            type = LibraryClasses.load(entry.className(), kind, "Kafka Connect " + (noun.equals("transform") ? "Transformation" : "Predicate"),
                    loader, entry.settings());
            if (type == null) {
                return null;
            }
        } else {
            return null;
        }
        return (T) LibraryClasses.newInstance(type, entry.type() != null ? "type" : "class", loader, entry.settings());
    }

    /** Checks the settings against the ConfigDef, then configures; null when either found a problem. */
    private static <T> T configure(TransformConfig entry, T instance, Map<String, String> agentConfigs) {
        ConfigDef def;
        try {
            def = instance instanceof Transformation<?> t ? t.config() : ((Predicate<?>) instance).config();
        } catch (RuntimeException | LinkageError e) {
            entry.settings().error(null, "config() threw: " + e);
            return closed(instance);
        }
        Set<String> known = def == null ? Set.of() : def.names();
        Map<String, String> configs = new HashMap<>(agentConfigs);
        configs.putAll(entry.connectConfigs(known));
        boolean valid = true;
        try {
            for (ConfigValue value : def == null ? List.<ConfigValue>of() : def.validate(configs)) {
                for (String message : value.errorMessages()) {
                    entry.settings().error(value.name(), firstLine(message));
                    valid = false;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            entry.settings().error(null, "checking the settings against config() threw: " + e);
            valid = false;
        }
        if (!valid) {
            return closed(instance);
        }
        try {
            if (instance instanceof Transformation<?> t) {
                t.configure(configs);
            } else {
                ((Predicate<?>) instance).configure(configs);
            }
            return instance;
        } catch (RuntimeException | LinkageError e) {
            entry.settings().error(null, e.getMessage() == null ? e.toString() : firstLine(e.getMessage()));
            return closed(instance);
        }
    }

    /** Messages like a PatternSyntaxException's go on with the pattern and a caret: one line is what fits. */
    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static <T> T closed(T instance) {
        closeQuietly((AutoCloseable) instance);
        return null;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception | LinkageError e) {
            log.warn("Closing {} failed", closeable.getClass().getName(), e);
        }
    }

    /** True when records go through as they are: no transforms. */
    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** The running form for one source: what its thread calls on every poll. */
    public SourceTransforms start(SourceConfig source, MeterRegistry registry) {
        return new SourceTransforms(this, source, registry);
    }

    ValueFormat format() {
        return format;
    }

    List<TransformStep> steps() {
        return steps;
    }

    ClassLoader loader() {
        return loader;
    }

    /** Closes every transform and predicate ({@code Transformation.close()}). */
    @Override
    public void close() {
        try (LoaderSwap ignored = LoaderSwap.to(loader)) {
            toClose.forEach(ConfiguredTransforms::closeQuietly);
        }
    }
}
