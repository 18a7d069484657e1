package io.tributary.plugins.interceptors;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A plain jar (no Plugin-Id) of the {@code com.acme.kafka} interceptors under test resources
 * {@code thirdparty/}, compiled here so that their classes exist only in that jar: on the test
 * class path the agent would load them from there and the test would prove nothing.
 */
final class ThirdPartyJar {
    private ThirdPartyJar() {
    }

    static Path build(Path workDir, Path jar) {
        try {
            Path sources = Path.of(ThirdPartyJar.class.getResource("/thirdparty").toURI());
            Path classes = Files.createDirectories(workDir.resolve("thirdparty-classes"));
            List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(),
                    "-classpath", System.getProperty("java.class.path"), "--release", "17"));
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(file -> file.toString().endsWith(".java")).forEach(file -> arguments.add(file.toString()));
            }
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            if (compiler == null || compiler.run(null, null, null, arguments.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("cannot compile the third-party interceptors in " + sources
                        + (compiler == null ? ": this Java has no compiler (run the tests on a JDK)" : ""));
            }
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
            Files.createDirectories(jar.getParent());
            try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                 Stream<Path> files = Files.walk(classes)) {
                for (Path classFile : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    out.putNextEntry(new JarEntry(classes.relativize(classFile).toString().replace('\\', '/')));
                    Files.copy(classFile, out);
                    out.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
