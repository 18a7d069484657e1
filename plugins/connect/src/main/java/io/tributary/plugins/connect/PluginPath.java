package io.tributary.plugins.connect;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A Connect-style {@code plugin.path}: each entry is a folder holding one folder (or one uber jar)
 * per plugin, or such a plugin folder itself. Each plugin gets its own {@link IsolatedClassLoader};
 * classes are named by full class name or by Connect's aliases (the simple class name, or that name
 * without its {@code Connector} / {@code Converter} suffix), found through the {@code
 * META-INF/services} manifests Connect plugins carry.
 */
final class PluginPath implements AutoCloseable {
    private final List<IsolatedClassLoader> loaders;
    private final ClassLoader own;

    private PluginPath(List<IsolatedClassLoader> loaders, ClassLoader own) {
        this.loaders = loaders;
        this.own = own;
    }

    /**
     * Opens a class loader per plugin under {@code entries}.
     *
     * @throws IllegalArgumentException naming the entry that is no folder or jar
     */
    static PluginPath open(List<Path> entries) {
        ClassLoader own = PluginPath.class.getClassLoader();
        List<IsolatedClassLoader> loaders = new ArrayList<>();
        for (Path entry : entries) {
            if (isJar(entry)) {
                loaders.add(new IsolatedClassLoader(entry.toString(), List.of(url(entry)), own));
            } else if (!Files.isDirectory(entry)) {
                throw new IllegalArgumentException("no folder or jar at " + entry);
            } else if (!jarsIn(entry, 1).isEmpty()) {
                loaders.add(new IsolatedClassLoader(entry.toString(), jarsIn(entry, Integer.MAX_VALUE), own));
            } else {
                for (Path plugin : list(entry)) {
                    if (isJar(plugin)) {
                        loaders.add(new IsolatedClassLoader(plugin.toString(), List.of(url(plugin)), own));
                    } else if (Files.isDirectory(plugin)) {
                        loaders.add(new IsolatedClassLoader(plugin.toString(), jarsIn(plugin, Integer.MAX_VALUE), own));
                    }
                }
            }
        }
        return new PluginPath(loaders, own);
    }

    /**
     * The class named {@code name} (a class name or an alias) that is a {@code type}, from the plugin
     * that holds it, else from this plugin's own class path (the converters Tributary ships).
     *
     * @throws IllegalArgumentException saying what was looked for and where, when none or several match
     */
    <T> Class<? extends T> find(String name, Class<T> type) {
        List<Class<?>> found = new ArrayList<>();
        for (IsolatedClassLoader loader : loaders) {
            String className = name.contains(".") ? (holds(loader, name) ? name : null) : alias(ownManifests(loader, type), name, type);
            if (className != null) {
                found.add(load(className, loader));
            }
        }
        if (found.isEmpty()) {
            String className = name.contains(".") ? name : alias(resources(own, type), name, type);
            if (className != null) {
                try {
                    found.add(Class.forName(className, false, own));
                } catch (ClassNotFoundException e) {
                    // Reported below with the folders searched.
                }
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no " + type.getSimpleName() + " \"" + name + "\" in " + describe());
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("\"" + name + "\" names a " + type.getSimpleName() + " in several plugins: "
                    + found.stream().map(c -> c.getName() + " in " + origin(c)).toList() + "; use one plugin folder per connector");
        }
        Class<?> clazz = found.get(0);
        if (!type.isAssignableFrom(clazz)) {
            throw new IllegalArgumentException(clazz.getName() + " in " + origin(clazz) + " is not a " + type.getName());
        }
        return clazz.asSubclass(type);
    }

    @Override
    public void close() {
        for (IsolatedClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                // Only open jar files are released here; nothing is lost if one refuses.
            }
        }
    }

    private String describe() {
        return loaders.isEmpty() ? "plugin_path (it holds no plugin) or the connect plugin"
                : "plugin_path " + loaders.stream().map(IsolatedClassLoader::folder).toList() + " or the connect plugin";
    }

    private static String origin(Class<?> clazz) {
        return clazz.getClassLoader() instanceof IsolatedClassLoader isolated ? isolated.folder() : "the connect plugin";
    }

    private static boolean holds(IsolatedClassLoader loader, String className) {
        try {
            return !loader.ownResources(className.replace('.', '/') + ".class").isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the jars of " + loader.folder(), e);
        }
    }

    private static Class<?> load(String className, ClassLoader loader) {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("cannot load " + className + ": " + e, e);
        }
    }

    /** The class of a {@code type} manifest entry that {@code alias} names, or null. */
    private static String alias(List<URL> manifests, String alias, Class<?> type) {
        String suffix = type.getSimpleName().replace("Source", "");
        for (URL manifest : manifests) {
            for (String className : classesIn(manifest)) {
                String simple = className.substring(className.lastIndexOf('.') + 1);
                if (simple.equals(alias) || simple.equals(alias + suffix)) {
                    return className;
                }
            }
        }
        return null;
    }

    private static List<URL> ownManifests(IsolatedClassLoader loader, Class<?> type) {
        try {
            return loader.ownResources("META-INF/services/" + type.getName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the jars of " + loader.folder(), e);
        }
    }

    private static List<URL> resources(ClassLoader loader, Class<?> type) {
        try {
            return Collections.list(loader.getResources("META-INF/services/" + type.getName()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service manifests of " + type.getName(), e);
        }
    }

    private static List<String> classesIn(URL manifest) {
        Set<String> classes = new LinkedHashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(manifest.openStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int comment = line.indexOf('#');
                String className = (comment >= 0 ? line.substring(0, comment) : line).trim();
                if (!className.isEmpty()) {
                    classes.add(className);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
        return List.copyOf(classes);
    }

    private static boolean isJar(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().endsWith(".jar");
    }

    private static List<URL> jarsIn(Path folder, int depth) {
        try (Stream<Path> files = Files.walk(folder, depth)) {
            return files.filter(PluginPath::isJar).sorted().map(PluginPath::url).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a usable path: " + path, e);
        }
    }
}
