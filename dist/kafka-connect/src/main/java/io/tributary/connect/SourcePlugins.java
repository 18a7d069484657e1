package io.tributary.connect;

import io.tributary.agent.plugin.PluginRegistry;
import io.tributary.api.SourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The Tributary plugins a connector or task loads: the built-in ones this Connect plugin bundles (its
 * {@code tributary-plugins/} folder) and those of {@code tributary.plugins.dir}, each PF4J plugin in
 * a class loader of its own under this Connect plugin's, as in the agent. Zips are unpacked into a
 * temporary folder of this instance's, removed on {@link #close()}.
 */
final class SourcePlugins implements AutoCloseable {
    /** The folder of built-in plugin zips, beside {@code lib/} in the Connect plugin's folder. */
    static final String BUNDLED_DIR = "tributary-plugins";

    private final Path workDir;
    private final PluginRegistry registry;

    private SourcePlugins(Path workDir, PluginRegistry registry) {
        this.workDir = workDir;
        this.registry = registry;
    }

    /**
     * Loads the bundled plugins and those in {@code pluginsDir} (none when empty).
     *
     * @throws ConnectException when a folder cannot be read
     */
    static SourcePlugins load(String pluginsDir) {
        try {
            Path workDir = Files.createTempDirectory("tributary-connect-");
            Path plugins = Files.createDirectories(workDir.resolve("plugins"));
            copyPlugins(bundledDir(), plugins);
            if (!pluginsDir.isEmpty()) {
                copyPlugins(Path.of(pluginsDir), plugins);
            }
            return new SourcePlugins(workDir, PluginRegistry.load(plugins, workDir.resolve("unpacked")));
        } catch (IOException e) {
            throw new ConnectException("cannot load Tributary's plugins: " + e, e);
        }
    }

    /**
     * The source type {@code name} with the class loader of its plugin.
     *
     * @throws IllegalArgumentException naming the types there are
     */
    PluginRegistry.Offered<SourceType> sourceType(String name) {
        return registry.sourceType(name).orElseThrow(() -> new IllegalArgumentException("no source type \"" + name
                + "\"; the loaded plugins offer " + registry.sourceTypeNames()
                + (registry.problems().isEmpty() ? "" : "; plugin problems: " + registry.problems())));
    }

    @Override
    public void close() {
        registry.close();
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + workDir, e);
        }
    }

    private static Path bundledDir() {
        try {
            Path jar = Path.of(SourcePlugins.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent().resolve(BUNDLED_DIR);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the Connect plugin's folder", e);
        }
    }

    private static void copyPlugins(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".zip") || name.endsWith(".jar")) {
                    Files.copy(file, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
