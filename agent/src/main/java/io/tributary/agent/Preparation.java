package io.tributary.agent;

import io.tributary.agent.config.AgentConfig;
import io.tributary.agent.config.ConfigError;
import io.tributary.agent.config.ConfigLoader;
import io.tributary.agent.config.DidYouMean;
import io.tributary.agent.config.InterceptorConfig;
import io.tributary.agent.config.LoadResult;
import io.tributary.agent.config.SourceConfig;
import io.tributary.agent.interceptor.ConfiguredInterceptor;
import io.tributary.agent.plugin.LibraryClasses;
import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.agent.plugin.PluginRegistry;
import io.tributary.agent.transform.ConfiguredTransforms;
import io.tributary.api.InterceptorType;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import io.tributary.api.ValueFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code validate} checks and {@code run} needs: the config file read, the plugins
 * loaded, and every source and interceptor created from its settings, with every error of them all.
 */
final class Preparation implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Preparation.class);

    /**
     * A source whose settings its plugin accepted, with the task created to check them, which the
     * agent may claim to run; {@link Preparation#close()} closes it when nobody did.
     */
    static final class PreparedSource {
        private final SourceConfig config;
        private final PluginRegistry.Offered<SourceType> type;
        private final SourceTask firstTask;
        private final ConfiguredTransforms transforms;
        private final AtomicBoolean claimed = new AtomicBoolean();

        private PreparedSource(SourceConfig config, PluginRegistry.Offered<SourceType> type, SourceTask firstTask,
                               ConfiguredTransforms transforms) {
            this.config = config;
            this.type = type;
            this.firstTask = firstTask;
            this.transforms = transforms;
        }

        SourceConfig config() {
            return config;
        }

        PluginRegistry.Offered<SourceType> type() {
            return type;
        }

        /** The source's transforms, configured; whoever claims the first task runs and closes them. */
        ConfiguredTransforms transforms() {
            return transforms;
        }

        /** The task created from the settings, to start; once, by whoever runs the source. */
        SourceTask claimFirstTask() {
            if (!claimed.compareAndSet(false, true)) {
                throw new IllegalStateException("the first task of source " + config.name() + " was claimed already");
            }
            return firstTask;
        }

        private void closeUnclaimed() {
            if (claimed.compareAndSet(false, true)) {
                try {
                    LoaderSwap.call(type.loader(), () -> {
                        firstTask.close();
                        return null;
                    });
                } catch (Exception | LinkageError e) {
                    log.warn("Closing the unused task of source {} failed", config.name(), e);
                }
                transforms.close();
            }
        }
    }

    final Path configFile;
    final AgentConfig config;
    final PluginRegistry plugins;
    final Map<String, PreparedSource> sources = new LinkedHashMap<>();
    final List<ConfiguredInterceptor> interceptors = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    private final boolean ownsPlugins;

    private Preparation(Path configFile, AgentConfig config, PluginRegistry plugins, boolean ownsPlugins) {
        this.configFile = configFile;
        this.config = config;
        this.plugins = plugins;
        this.ownsPlugins = ownsPlugins;
    }

    /**
     * Reads the file and, when it can be read at all, loads plugins and creates every source and
     * interceptor. With {@code checkOutside} every source also checks what only the outside world can
     * tell ({@link SourceTask#check()}), as {@code validate} wants. With {@code loadedPlugins} (a
     * reload), the plugins already loaded serve again and stay open; without, they are loaded.
     */
    static Preparation prepare(Path configFile, Map<String, String> environment, boolean checkOutside,
                               PluginRegistry loadedPlugins) {
        LoadResult loaded = ConfigLoader.load(configFile, environment);
        List<ConfigError> configErrors = new ArrayList<>(loaded.errors());
        if (loaded.config() == null) {
            Preparation failed = new Preparation(configFile, null, null, false);
            configErrors.forEach(e -> failed.errors.add(e.toString()));
            return failed;
        }
        AgentConfig config = loaded.config();
        PluginRegistry plugins = loadedPlugins != null ? loadedPlugins
                : PluginRegistry.load(config.agent().pluginsDir(), config.agent().dataDir().resolve("plugins"));
        Preparation prepared = new Preparation(configFile, config, plugins, loadedPlugins == null);
        for (SourceConfig source : config.sources().values()) {
            prepared.prepareSource(source, configErrors);
        }
        for (InterceptorConfig interceptor : config.interceptors()) {
            prepared.prepareInterceptor(interceptor, configErrors);
        }
        configErrors.sort(ConfigError.IN_FILE_ORDER);
        configErrors.forEach(e -> prepared.errors.add(e.toString()));
        if (checkOutside && configErrors.isEmpty()) {
            prepared.checkOutside();
        }
        return prepared;
    }

    private void prepareSource(SourceConfig source, List<ConfigError> configErrors) {
        var offered = source.type() == null ? Optional.<PluginRegistry.Offered<SourceType>>empty() : plugins.sourceType(source.type());
        ValueFormat typeFormat = offered.map(type -> type.extension().valueFormat()).orElse(ValueFormat.BYTES);
        ConfiguredTransforms transforms = ConfiguredTransforms.prepare(source, typeFormat, config.agent().id(),
                plugins.libraryLoader(), configErrors);
        if (source.type() == null) {
            closeIfAny(transforms);
            return;
        }
        if (offered.isEmpty()) {
            source.settings().error("type", "no loaded plugin offers source type \"" + source.type() + "\""
                    + suggestion(source.type(), plugins.sourceTypeNames()));
            configErrors.addAll(source.settings().errors());
            closeIfAny(transforms);
            return;
        }
        SourceTask task = null;
        try {
            task = LoaderSwap.call(offered.get().loader(), () -> offered.get().extension().create(source.settings()));
        } catch (Exception | LinkageError e) {
            source.settings().error(null, "plugin " + offered.get().pluginId() + " failed to create the source: " + e);
        }
        List<ConfigError> errors = source.settings().finish();
        configErrors.addAll(errors);
        if (errors.isEmpty() && task != null && transforms != null) {
            sources.put(source.name(), new PreparedSource(source, offered.get(), task, transforms));
        } else {
            closeIfAny(transforms);
        }
    }

    private static void closeIfAny(ConfiguredTransforms transforms) {
        if (transforms != null) {
            transforms.close();
        }
    }

    private void prepareInterceptor(InterceptorConfig entry, List<ConfigError> configErrors) {
        if (entry.type() == null && entry.className() == null) {
            return;
        }
        ProducerInterceptor<byte[], byte[]> instance = null;
        ClassLoader loader = null;
        String name;
        if (entry.type() != null) {
            name = entry.type();
            var offered = plugins.interceptorType(entry.type());
            if (offered.isEmpty()) {
                entry.settings().error("type", "no loaded plugin offers interceptor type \"" + entry.type() + "\""
                        + suggestion(entry.type(), plugins.interceptorTypeNames()));
            } else {
                loader = offered.get().loader();
                try {
                    instance = LoaderSwap.call(loader, () -> offered.get().extension().create(entry.settings()));
                } catch (Exception | LinkageError e) {
                    entry.settings().error(null, "plugin " + offered.get().pluginId() + " failed to create the interceptor: " + e);
                }
            }
        } else {
            name = entry.className();
            loader = plugins.libraryLoader();
            instance = instantiate(entry, loader);
        }
        // A class: interceptor validates in configure(), as Kafka's own would: every key is its.
        Map<String, Object> settings = entry.type() == null ? entry.settings().asMap() : null;
        List<ConfigError> errors = entry.settings().finish();
        configErrors.addAll(errors);
        if (errors.isEmpty() && instance != null) {
            interceptors.add(new ConfiguredInterceptor(name, instance,
                    settings != null ? settings : entry.settings().asMap(), loader));
        }
    }

    @SuppressWarnings("unchecked")
    private static ProducerInterceptor<byte[], byte[]> instantiate(InterceptorConfig entry, ClassLoader loader) {
        Class<?> type = LibraryClasses.load(entry.className(), ProducerInterceptor.class, "Kafka ProducerInterceptor", loader,
                entry.settings());
        return type == null ? null : (ProducerInterceptor<byte[], byte[]>) LibraryClasses.newInstance(type, "class", loader,
                entry.settings());
    }

    private static String suggestion(String wrong, List<String> known) {
        String loaded = known.isEmpty() ? "; no plugin offers any (is agent.plugins_dir right?)" : "; loaded: " + String.join(", ", known);
        return DidYouMean.closest(wrong, known).map(closest -> ", did you mean \"" + closest + "\"?").orElse("") + loaded;
    }

    private void checkOutside() {
        for (PreparedSource source : sources.values()) {
            try {
                List<String> problems = LoaderSwap.call(source.type().loader(), () -> source.firstTask.check());
                problems.forEach(problem -> errors.add(configFile + ": " + problem));
            } catch (Exception | LinkageError e) {
                errors.add(configFile + ": sources." + source.config().name() + ": checking failed: " + e);
            }
        }
    }

    boolean ok() {
        return errors.isEmpty();
    }

    /**
     * Closes the tasks nobody claimed: those {@code validate} made, and those of a reload for the
     * sources it left running. Interceptors made for a reload are never configured, and Kafka's
     * contract has them open what they hold in {@code configure()}, so there is nothing to close.
     */
    @Override
    public void close() {
        sources.values().forEach(PreparedSource::closeUnclaimed);
        if (ownsPlugins) {
            plugins.close();
        }
    }
}
