package io.tributary.agent.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.pf4j.BasePluginLoader;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginClasspath;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PluginWrapper;
import org.pf4j.util.FileUtils;
import org.pf4j.util.Unzip;

/**
 * PF4J over {@code agent.plugins_dir}: zip plugins (unpacked under {@code data_dir}, because the
 * plugins folder is read-only under the packaged service), jar plugins (a jar whose manifest has
 * {@code Plugin-Id}) and unpacked plugin folders. Plain jars (no {@code Plugin-Id}) are not plugins:
 * they hold {@code class:} interceptors and are listed by {@link #libraryJars()}.
 */
final class TributaryPluginManager extends DefaultPluginManager {
    private final Path pluginsDir;
    private final Path unpackDir;
    private final List<Path> libraryJars = new ArrayList<>();
    private final List<String> loadProblems = new ArrayList<>();

    TributaryPluginManager(Path pluginsDir, Path unpackDir) {
        super(pluginsDir);
        this.pluginsDir = pluginsDir;
        this.unpackDir = unpackDir;
    }

    List<Path> libraryJars() {
        return libraryJars;
    }

    /** Plugins that could not even be loaded (a corrupt zip, a bad descriptor), one line each. */
    List<String> loadProblems() {
        return loadProblems;
    }

    @Override
    protected PluginWrapper loadPluginFromPath(Path pluginPath) {
        try {
            return super.loadPluginFromPath(pluginPath);
        } catch (RuntimeException e) {
            loadProblems.add("cannot load plugin " + pluginPath + ": " + e.getMessage());
            return null;
        }
    }

    @Override
    protected PluginRepository createPluginRepository() {
        return new PluginRepository() {
            @Override
            public List<Path> getPluginPaths() {
                return findPluginPaths();
            }

            @Override
            public boolean deletePluginPath(Path pluginPath) {
                return false;
            }
        };
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader()
                .add(new JarPluginLoader(this) {
                    @Override
                    public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
                        PluginClassLoader loader = new ApiFirstPluginClassLoader(pluginManager, descriptor, getClass().getClassLoader());
                        loader.addFile(pluginPath.toFile());
                        return loader;
                    }
                })
                .add(new BasePluginLoader(this, new DefaultPluginClasspath()) {
                    @Override
                    public boolean isApplicable(Path pluginPath) {
                        return Files.isDirectory(pluginPath);
                    }

                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                        return new ApiFirstPluginClassLoader(pluginManager, descriptor, getClass().getClassLoader());
                    }
                });
    }

    private List<Path> findPluginPaths() {
        libraryJars.clear();
        List<Path> paths = new ArrayList<>();
        if (!Files.isDirectory(pluginsDir)) {
            return paths;
        }
        try (Stream<Path> entries = Files.list(pluginsDir).sorted()) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (FileUtils.isZipFile(entry)) {
                    try {
                        paths.add(unpack(entry));
                    } catch (IOException | RuntimeException e) {
                        loadProblems.add("cannot unpack plugin " + entry + ": " + e);
                    }
                } else if (FileUtils.isJarFile(entry)) {
                    try {
                        if (hasPluginId(entry)) {
                            paths.add(entry);
                        } else {
                            libraryJars.add(entry);
                        }
                    } catch (IOException e) {
                        loadProblems.add("cannot read jar " + entry + ": " + e);
                    }
                } else if (Files.isDirectory(entry) && Files.exists(entry.resolve("plugin.properties"))) {
                    paths.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugins_dir " + pluginsDir, e);
        }
        return paths;
    }

    /** Unpacks a zip under data_dir once per version of the zip (by its modification time). */
    private Path unpack(Path zip) throws IOException {
        String name = zip.getFileName().toString();
        Path target = unpackDir.resolve(name.substring(0, name.length() - ".zip".length()));
        FileTime zipTime = Files.getLastModifiedTime(zip);
        if (!Files.isDirectory(target) || zipTime.compareTo(Files.getLastModifiedTime(target)) > 0) {
            if (Files.exists(target)) {
                FileUtils.delete(target);
            }
            Files.createDirectories(target.getParent());
            Unzip unzip = new Unzip(zip.toFile(), target.toFile());
            unzip.extract();
            Files.setLastModifiedTime(target, zipTime);
        }
        return target;
    }

    private static boolean hasPluginId(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() != null && file.getManifest().getMainAttributes().getValue("Plugin-Id") != null;
        }
    }
}
