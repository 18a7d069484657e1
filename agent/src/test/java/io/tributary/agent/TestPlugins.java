package io.tributary.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Writes PF4J jar plugins from classes of the test class path, as a plugin's build would. */
final class TestPlugins {
    private TestPlugins() {
    }

    /**
     * A jar plugin {@code pluginId} in {@code dir} holding {@code classes} (and their nested classes
     * in the same package) with {@code extensions} listed in META-INF/extensions.idx.
     */
    static Path jarPlugin(Path dir, String pluginId, Class<?>[] classes, Class<?>... extensions) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Plugin-Id", pluginId);
        main.putValue("Plugin-Version", "1.0.0");
        Path jar = dir.resolve(pluginId + ".jar");
        try {
            Files.createDirectories(dir);
            try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (Class<?> type : classes) {
                    String resource = type.getName().replace('.', '/') + ".class";
                    out.putNextEntry(new JarEntry(resource));
                    try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
                out.putNextEntry(new JarEntry("META-INF/extensions.idx"));
                StringBuilder index = new StringBuilder();
                for (Class<?> extension : extensions) {
                    index.append(extension.getName()).append('\n');
                }
                out.write(index.toString().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }
}
