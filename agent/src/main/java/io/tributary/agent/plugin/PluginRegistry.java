package io.tributary.agent.plugin;

import io.tributary.api.InterceptorType;
import io.tributary.api.SourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins found in {@code agent.plugins_dir} and the source and interceptor types they offer.
 * A plugin that fails to load, start or give its extensions is recorded as a problem with its id and
 * leaves the others working.
 */
public final class PluginRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);

    /** A type offered by a plugin, with the class loader to call it under. */
    public record Offered<T>(String pluginId, String name, ClassLoader loader, T extension) {
    }

    /** What {@code tributary plugins} prints about one plugin. */
    public record PluginInfo(String id, String version, Path path, String state,
                             List<String> sourceTypes, List<String> interceptorTypes) {
    }

    private final TributaryPluginManager manager;
    private final Map<String, Offered<SourceType>> sourceTypes = new TreeMap<>();
    private final Map<String, Offered<InterceptorType>> interceptorTypes = new TreeMap<>();
    private final List<PluginInfo> plugins = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final URLClassLoader libraryLoader;

    private PluginRegistry(Path pluginsDir, Path unpackDir) {
        manager = new TributaryPluginManager(pluginsDir, unpackDir);
        manager.loadPlugins();
        manager.startPlugins();
        problems.addAll(manager.loadProblems());
        for (PluginWrapper plugin : manager.getPlugins()) {
            register(plugin);
        }
        libraryLoader = new URLClassLoader("tributary-plugin-libraries",
                manager.libraryJars().stream().map(PluginRegistry::toUrl).toArray(URL[]::new),
                PluginRegistry.class.getClassLoader());
    }

    /** Loads and starts every plugin in {@code pluginsDir}; zips are unpacked under {@code unpackDir}. */
    public static PluginRegistry load(Path pluginsDir, Path unpackDir) {
        return new PluginRegistry(pluginsDir, unpackDir);
    }

    private void register(PluginWrapper plugin) {
        String id = plugin.getPluginId();
        List<String> sources = new ArrayList<>();
        List<String> interceptors = new ArrayList<>();
        if (plugin.getPluginState() != PluginState.STARTED) {
            Throwable failure = plugin.getFailedException();
            problems.add("plugin " + id + " (" + plugin.getPluginPath() + ") did not start: "
                    + (failure == null ? plugin.getPluginState() : describe(failure)));
        } else {
            Set<String> loaded = new HashSet<>();
            collect(plugin, SourceType.class, SourceType::name, sourceTypes, sources, loaded);
            collect(plugin, InterceptorType.class, InterceptorType::name, interceptorTypes, interceptors, loaded);
            for (String listed : manager.getExtensionClassNames(id)) {
                if (!loaded.contains(listed)) {
                    problems.add("plugin " + id + ": extension " + listed + " was not created (not a source or interceptor type, or it failed: see the log above)");
                }
            }
        }
        plugins.add(new PluginInfo(id, plugin.getDescriptor().getVersion(), plugin.getPluginPath(),
                plugin.getPluginState().toString(), sources, interceptors));
    }

    private <T> void collect(PluginWrapper plugin, Class<T> type, Function<T, String> nameOf,
                             Map<String, Offered<T>> into, List<String> names, Set<String> loadedClasses) {
        String id = plugin.getPluginId();
        ClassLoader loader = plugin.getPluginClassLoader();
        List<T> extensions;
        try {
            extensions = LoaderSwap.call(loader, () -> manager.getExtensions(type, id));
        } catch (Exception | LinkageError e) {
            problems.add("plugin " + id + " failed to give its " + type.getSimpleName() + " extensions: " + describe(e));
            return;
        }
        for (T extension : extensions) {
            loadedClasses.add(extension.getClass().getName());
            String name;
            try {
                name = LoaderSwap.call(loader, () -> nameOf.apply(extension));
            } catch (Exception | LinkageError e) {
                problems.add("plugin " + id + ": " + extension.getClass().getName() + ".name() threw " + describe(e));
                continue;
            }
            Offered<T> existing = into.get(name);
            if (existing != null) {
                problems.add("plugin " + id + " offers " + type.getSimpleName() + " \"" + name
                        + "\", already offered by plugin " + existing.pluginId() + "; keeping " + existing.pluginId() + "'s");
                continue;
            }
            into.put(name, new Offered<>(id, name, loader, extension));
            names.add(name);
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static URL toUrl(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(new IOException("bad plugin jar path " + jar, e));
        }
    }

    public Optional<Offered<SourceType>> sourceType(String name) {
        return Optional.ofNullable(sourceTypes.get(name));
    }

    public Optional<Offered<InterceptorType>> interceptorType(String name) {
        return Optional.ofNullable(interceptorTypes.get(name));
    }

    public List<String> sourceTypeNames() {
        return List.copyOf(sourceTypes.keySet());
    }

    public List<String> interceptorTypeNames() {
        return List.copyOf(interceptorTypes.keySet());
    }

    public List<PluginInfo> plugins() {
        return Collections.unmodifiableList(plugins);
    }

    /** Plugins that failed to load or start, and types offered twice; one line each. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** The class loader over the plain jars in plugins_dir, for {@code class:} interceptors. */
    public ClassLoader libraryLoader() {
        return libraryLoader;
    }

    @Override
    public void close() {
        try {
            manager.stopPlugins();
            manager.unloadPlugins();
            libraryLoader.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Closing plugins failed", e);
        }
    }
}
