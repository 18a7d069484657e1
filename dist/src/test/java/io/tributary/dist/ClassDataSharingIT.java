package io.tributary.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.KafkaReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/tributary's class-data sharing archive: written by the first run that got as far as running,
 * mapped by every later start, never kept from a run that an invalid config stopped.
 */
class ClassDataSharingIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /* The JVM names where each class came from; the archive made by a run is the "top" layer. */
    private static final String MAIN_FROM_THE_ARCHIVE = "io.tributary.agent.Main source: shared objects file (top)";
    private static final Map<String, String> LOG_CLASS_LOADING = Map.of("JAVA_OPTS", "-Xlog:class+load");

    @Test
    void aRunThatRanLeavesAnArchiveThatLaterStartsMapAndAnInvalidRunLeavesNone(@TempDir Path cache) throws Exception {
        try (TreeCopy tree = new TreeCopy()) {
            Map<String, String> inCache = Map.of("CACHE_DIRECTORY", cache.toString());
            String tributary = tree.resolve("bin/tributary").toString();
            Path invalid = Files.writeString(tree.resolve("config/invalid.yaml"), "agent: {id: [\n");

            assertThat(Command.run(List.of(tributary, "run", "--config", invalid.toString()), inCache).exitCode()).isEqualTo(1);
            Command afterInvalidRun = Command.run(List.of(tributary, "--version"), withClassLoading(inCache)).succeeded();

            assertThat(afterInvalidRun.out()).doesNotContain(MAIN_FROM_THE_ARCHIVE);
            assertThat(filesIn(cache)).isEmpty();

            runUntilItRuns(tree, inCache);
            Command afterRun = Command.run(List.of(tributary, "--version"), withClassLoading(inCache)).succeeded();

            assertThat(afterRun.out()).contains(MAIN_FROM_THE_ARCHIVE);
            assertThat(filesIn(cache)).singleElement().asString().matches("tributary-[0-9]+\\.jsa");

            Map<String, String> cdsOff = new HashMap<>(withClassLoading(inCache));
            cdsOff.put("TRIBUTARY_CDS", "off");
            assertThat(Command.run(List.of(tributary, "--version"), cdsOff).succeeded().out()).doesNotContain(MAIN_FROM_THE_ARCHIVE);

            // An agent killed while its JVM wrote the archive leaves it cut short, on which a JVM aborts.
            Path archive = cache.resolve(filesIn(cache).get(0));
            Path torn = cache.resolve(archive.getFileName() + "." + deadPid());
            byte[] bytes = Files.readAllBytes(archive);
            Files.write(torn, Arrays.copyOf(bytes, bytes.length / 2));
            Files.createFile(cache.resolve(torn.getFileName() + ".keep"));
            Files.delete(archive);
            Command afterTornDump = Command.run(List.of(tributary, "--version"), withClassLoading(inCache)).succeeded();

            assertThat(afterTornDump.out()).doesNotContain(MAIN_FROM_THE_ARCHIVE).contains("tributary " + Command.VERSION);
            assertThat(filesIn(cache)).isEmpty();
        }
    }

    /** A process id no process has now: bin/tributary moves an archive into place only once its writer is gone. */
    private static long deadPid() {
        long pid = 4_000_000;
        while (Files.exists(Path.of("/proc/" + pid))) {
            pid++;
        }
        return pid;
    }

    private static void runUntilItRuns(TreeCopy tree, Map<String, String> environment) throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = "class-data-sharing";
        Path config = tree.writeFileSourceConfig("class-data-sharing", broker.bootstrapServers(), topic);
        Files.writeString(tree.resolve("data/in/app.log"), "one line\n", StandardCharsets.UTF_8);
        Process agent = tree.startAgent(config, environment);
        try {
            assertThat(KafkaReader.values(KafkaReader.awaitCount(broker.bootstrapServers(), topic, 1, WAIT))).containsExactly("one line");
        } finally {
            agent.destroy();
            assertThat(agent.waitFor(45, TimeUnit.SECONDS)).as("stopped within 45 s").isTrue();
        }
        assertThat(agent.exitValue()).as(tree::agentOutput).isZero();
        assertThat(tree.agentOutput()).containsPattern("running 1 source\\(s\\) .*; started in [0-9]+ ms \\(until main [0-9]+ ms, ");
    }

    private static Map<String, String> withClassLoading(Map<String, String> environment) {
        Map<String, String> withLogging = new HashMap<>(environment);
        withLogging.putAll(LOG_CLASS_LOADING);
        return withLogging;
    }

    private static List<String> filesIn(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
