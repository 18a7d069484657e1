package io.tributary.plugins.jdbc;

import io.tributary.api.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * The {@code driver_jars} setting: JDBC driver jars outside the plugin, loaded in a class loader
 * whose parent is the plugin's, so {@code ServiceLoader} finds their drivers next to the bundled ones.
 *
 * <p>One class loader per set of jars lives as long as the plugin: a source restarted after an error,
 * or several sources naming the same jars, share the driver classes instead of loading them again
 * (a driver with a native library can load it only once per JVM).
 */
final class DriverJars {
    static final String KEY = "driver_jars";
    private static final Map<List<Path>, ClassLoader> LOADERS = new ConcurrentHashMap<>();

    private DriverJars() {
    }

    /**
     * The class loader to find drivers with: the plugin's when {@code driver_jars} is absent, else
     * one over the jars it names. Entries are jar paths or globs ({@code drivers/*.jar}), relative to
     * the config file's folder; an entry that names no jar is an error.
     */
    static ClassLoader read(Settings settings) {
        ClassLoader pluginLoader = DriverJars.class.getClassLoader();
        List<String> entries = settings.getStringList(KEY, List.of());
        if (entries.isEmpty()) {
            return pluginLoader;
        }
        Path folder = settings.configFolder();
        List<Path> jars = new ArrayList<>();
        for (String entry : entries) {
            try {
                List<Path> found = find(folder, entry);
                if (found.isEmpty()) {
                    settings.error(KEY, "\"" + entry + "\" names no jar file (looked in " + folder.resolve(baseOf(entry)) + ")");
                }
                found.stream().filter(jar -> !jars.contains(jar)).forEach(jars::add);
            } catch (InvalidPathException | PatternSyntaxException e) {
                settings.error(KEY, "\"" + entry + "\" is not a valid path or glob: " + e.getMessage().lines().findFirst().orElse(""));
            } catch (UncheckedIOException e) {
                settings.error(KEY, "\"" + entry + "\" cannot be listed: " + e.getCause().getMessage());
            }
        }
        if (jars.isEmpty()) {
            return pluginLoader;
        }
        return LOADERS.computeIfAbsent(List.copyOf(jars), paths -> new URLClassLoader("tributary-jdbc-driver-jars",
                paths.stream().map(DriverJars::url).toArray(URL[]::new), pluginLoader));
    }

    /** The regular files {@code entry} names, sorted; a glob is matched below its folder part. */
    private static List<Path> find(Path folder, String entry) {
        Path base = folder.resolve(baseOf(entry)).normalize();
        if (!isGlob(entry)) {
            return Files.isRegularFile(base) ? List.of(base) : List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + folder.resolve(entry).normalize());
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(base)) {
            return files.filter(Files::isRegularFile).filter(matcher::matches).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry up to its first path element holding a glob character. */
    private static String baseOf(String entry) {
        if (!isGlob(entry)) {
            return entry;
        }
        String beforeGlob = entry.substring(0, firstGlobCharacter(entry));
        int slash = beforeGlob.lastIndexOf('/');
        return slash < 0 ? "" : beforeGlob.substring(0, slash + 1);
    }

    private static boolean isGlob(String entry) {
        return firstGlobCharacter(entry) < entry.length();
    }

    private static int firstGlobCharacter(String entry) {
        for (int i = 0; i < entry.length(); i++) {
            if ("*?[{".indexOf(entry.charAt(i)) >= 0) {
                return i;
            }
        }
        return entry.length();
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("cannot make a URL of " + jar, e);
        }
    }
}
