package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AgentTest {
    /* The start script of the installed agent, from this module's folder, where Maven runs the tests. */
    private static final Path BIN_TRIBUTARY = Path.of("../src/bin/tributary");

    @Test
    void theProductionJvmOptionsAreThoseOfBinTributaryWithBothCompilers() throws Exception {
        String script = Files.readString(BIN_TRIBUTARY);
        Matcher defaultHeap = Pattern.compile("(?m)^max_heap=(\\S+)$").matcher(script);
        Matcher trim = Pattern.compile("(?m)^    \\*\\) trim_native_heap=(\\S+) ;;$").matcher(script);
        Matcher exec = Pattern.compile("(?m)^exec \"\\$java\" (.*)$").matcher(script);
        assertThat(defaultHeap.find()).as("a max_heap= line in " + BIN_TRIBUTARY).isTrue();
        assertThat(trim.find()).as("a trim_native_heap= line for the newest Javas in " + BIN_TRIBUTARY).isTrue();
        assertThat(exec.find()).as("an exec line in " + BIN_TRIBUTARY).isTrue();

        List<String> expected = new ArrayList<>(Arrays.stream(exec.group(1).split(" "))
                .map(word -> word.equals("${trim_native_heap:+\"$trim_native_heap\"}") ? trim.group(1) : word)
                .filter(word -> word.startsWith("-X"))
                .map(word -> word.replace("$max_heap", defaultHeap.group(1)))
                .toList());
        expected.add("-XX:TieredStopAtLevel=4");

        assertThat(Agent.PRODUCTION_JVM_OPTIONS).isEqualTo(expected);
    }

    @Test
    void theProductionEnvironmentIsWhatBinTributaryExports() throws Exception {
        Matcher arenas = Pattern.compile("MALLOC_ARENA_MAX=\\$\\{MALLOC_ARENA_MAX:-(\\d+)}")
                .matcher(Files.readString(BIN_TRIBUTARY));
        assertThat(arenas.find()).as("a MALLOC_ARENA_MAX default in " + BIN_TRIBUTARY).isTrue();

        assertThat(Agent.PRODUCTION_ENVIRONMENT).isEqualTo(Map.of("MALLOC_ARENA_MAX", arenas.group(1)));
    }

    @Test
    void bufferMemoryIsKafkasDefaultUnlessTheProducerSettingsSetIt() {
        assertThat(Agent.bufferMemoryBytes(Map.of())).isEqualTo(32L << 20);
        assertThat(Agent.bufferMemoryBytes(Map.of("buffer.memory", "67108864"))).isEqualTo(64L << 20);
    }
}
