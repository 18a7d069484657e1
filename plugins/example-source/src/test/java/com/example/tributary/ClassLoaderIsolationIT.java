package com.example.tributary;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.tributary.isolation.FirstLibraryVersionSourceType;
import com.example.tributary.isolation.LibraryVersionSourceType;
import com.example.tributary.isolation.SecondLibraryVersionSourceType;
import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two plugins bundling different versions of one library, both working in one agent. */
class ClassLoaderIsolationIT {
    @TempDir
    Path dir;

    @Test
    void eachPluginSeesTheLibraryVersionItBundles() throws IOException {
        Path libraries = Path.of(System.getProperty("tributary.isolation.libraries"));
        PluginAgent agent = new PluginAgent(dir);
        plugin(agent.pluginsDir.resolve("first"), FirstLibraryVersionSourceType.class, libraries.resolve("commons-lang3-3.12.0.jar"));
        plugin(agent.pluginsDir.resolve("second"), SecondLibraryVersionSourceType.class, libraries.resolve("commons-lang3-3.17.0.jar"));
        agent.write("isolation", """
                sources:
                  first:
                    type: first_library_version
                    topic: isolation.out
                  second:
                    type: second_library_version
                    topic: isolation.out
                """);
        try (AgentProcess process = agent.start()) {
            assertThat(KafkaReader.values(agent.awaitCount(process, "isolation.out", 2))).containsExactlyInAnyOrder(
                    "first_library_version sees commons-lang3 3.12.0",
                    "second_library_version sees commons-lang3 3.17.0");
        }
    }

    /** An unpacked plugin folder: plugin.properties, the classes with one extension, the library in lib/. */
    private static void plugin(Path folder, Class<? extends LibraryVersionSourceType> extension, Path library) throws IOException {
        Path classes = folder.resolve("classes");
        for (Class<?> type : List.of(LibraryVersionSourceType.class, extension)) {
            copyClass(type, classes);
        }
        for (int i = 1; ; i++) {
            String nested = LibraryVersionSourceType.class.getName() + "$" + i;
            if (LibraryVersionSourceType.class.getClassLoader().getResource(nested.replace('.', '/') + ".class") == null) {
                break;
            }
            copyClass(nested, classes);
        }
        Files.createDirectories(classes.resolve("META-INF"));
        Files.writeString(classes.resolve("META-INF/extensions.idx"), extension.getName() + "\n");
        Files.createDirectories(folder.resolve("lib"));
        Files.copy(library, folder.resolve("lib").resolve(library.getFileName()));
        Files.writeString(folder.resolve("plugin.properties"), "plugin.id=" + folder.getFileName() + "\nplugin.version=1.0.0\n");
    }

    private static void copyClass(Class<?> type, Path classes) throws IOException {
        copyClass(type.getName(), classes);
    }

    private static void copyClass(String className, Path classes) throws IOException {
        String resource = className.replace('.', '/') + ".class";
        Path target = classes.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = ClassLoaderIsolationIT.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
    }
}
