package io.tributary.plugins.connect;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A Connect plugin path for tests, laid out as users lay one out: Kafka's own connectors, unmodified,
 * as the build copied them (one folder each), and a folder with a jar of this module's test
 * connectors.
 */
final class ConnectPlugins {
    /** Set by the build to the folder holding {@code connect-file/} and {@code connect-mirror/}. */
    private static final String BUILT = "tributary.connect.plugins";
    private static final String FIXTURE_PACKAGE = "io/tributary/plugins/connect/fixture";

    private ConnectPlugins() {
    }

    /** Makes {@code dir} a plugin path: one folder per connector, with its jars. */
    static Path in(Path dir) {
        Path built = Path.of(System.getProperty(BUILT, "target/connect-plugins"));
        try {
            try (Stream<Path> files = Files.walk(built)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path target = dir.resolve(built.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
            Path fixtures = Files.createDirectories(dir.resolve("counting"));
            writeFixtureJar(fixtures.resolve("counting-connector.jar"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the plugin path " + dir, e);
        }
        return dir;
    }

    private static void writeFixtureJar(Path jar) throws IOException {
        Path classes = Path.of(ConnectPlugins.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out);
             Stream<Path> files = Files.list(classes.resolve(FIXTURE_PACKAGE))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                jarOut.putNextEntry(new JarEntry(FIXTURE_PACKAGE + "/" + file.getFileName()));
                Files.copy(file, jarOut);
                jarOut.closeEntry();
            }
            // The manifest Connect plugins carry (KIP-898), through which aliases such as "Counting" resolve.
            jarOut.putNextEntry(new JarEntry("META-INF/services/org.apache.kafka.connect.source.SourceConnector"));
            jarOut.write("io.tributary.plugins.connect.fixture.CountingConnector\n".getBytes(StandardCharsets.UTF_8));
            jarOut.closeEntry();
        }
    }
}
