package com.example.tributary;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's plugin project, written from the files docs/plugins.md shows and this module's sources,
 * built outside the Tributary tree against the installed plugins-api and test kit, run in an agent.
 */
class ExternalBuildIT {
    private static final Pattern FILE_BLOCK = Pattern.compile("<!-- file: (\\S+) -->\\s*```\\w*\\n(.*?)```", Pattern.DOTALL);
    private static final long MAVEN_TIMEOUT_SECONDS = 180;

    @TempDir
    Path work;

    @Test
    void aPluginBuiltInItsOwnProjectFromTheGuideRunsInTheAgent() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("tributary.root")).toRealPath();
        Path project = work.resolve("counter-source");
        assertThat(work.toRealPath().startsWith(root)).as("the user's project %s is outside %s", work, root).isFalse();

        maven(root, "install", "-N");
        maven(root.resolve("plugins-api"), "install", "-DskipTests");
        maven(root.resolve("testkit"), "install", "-DskipTests");

        Map<String, String> files = guideFiles(root.resolve("docs/plugins.md"));
        assertThat(files).containsOnlyKeys("pom.xml", "src/main/assembly/plugin.xml", "src/main/plugin/plugin.properties");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.createDirectories(project.resolve(file.getKey()).getParent());
            Files.writeString(project.resolve(file.getKey()), file.getValue());
        }
        Path example = root.resolve("plugins/example-source/src");
        for (String source : List.of("main/java/com/example/tributary/CounterSourceType.java",
                "main/java/com/example/tributary/CounterSource.java", "test/java/com/example/tributary/CounterSourceTest.java")) {
            Files.createDirectories(project.resolve("src").resolve(source).getParent());
            Files.copy(example.resolve(source), project.resolve("src").resolve(source));
        }
        maven(project, "package");
        Path zip = project.resolve("target/counter-source-1.0.0.zip");
        assertThat(zip).exists();
        assertThat(project.resolve("target/surefire-reports/TEST-com.example.tributary.CounterSourceTest.xml"))
                .content().contains("tests=\"3\"").contains("failures=\"0\"").contains("errors=\"0\"");

        PluginAgent agent = new PluginAgent(work.resolve("agent"));
        Files.copy(zip, agent.pluginsDir.resolve(zip.getFileName()));
        agent.write("external-build", """
                sources:
                  numbers:
                    type: counter
                    topic: external.out
                    count: 5
                    message: "built outside {n}"
                    interval: 0s
                """);
        try (AgentProcess process = agent.start()) {
            assertThat(KafkaReader.values(agent.awaitCount(process, "external.out", 5))).containsExactly(
                    "built outside 0", "built outside 1", "built outside 2", "built outside 3", "built outside 4");
        }
    }

    /** The files docs/plugins.md marks with {@code <!-- file: PATH -->}: path → content. */
    private static Map<String, String> guideFiles(Path guide) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        Matcher matcher = FILE_BLOCK.matcher(Files.readString(guide));
        while (matcher.find()) {
            files.put(matcher.group(1), matcher.group(2));
        }
        return files;
    }

    /**
     * Runs {@code mvn -B -q ARGS} in {@code dir}, as a user would, and fails with its output unless it
     * succeeds. Not offline: {@code install} needs a Maven plugin that {@code verify} never fetched.
     */
    private static void maven(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(mavenExecutable(), "-B", "-q"));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("tributary-external-build-", ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(MAVEN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " in " + dir + " ran longer than "
                    + MAVEN_TIMEOUT_SECONDS + " s:\n" + Files.readString(output));
        }
        assertThat(process.exitValue()).as("%s in %s printed:%n%s", String.join(" ", command), dir, Files.readString(output))
                .isZero();
    }

    private static String mavenExecutable() {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path mvn = Path.of(folder, "mvn");
            if (Files.isExecutable(mvn)) {
                return mvn.toString();
            }
        }
        throw new AssertionError("mvn is not on the PATH: this test builds a plugin with Maven in its own project, as a user would");
    }
}
