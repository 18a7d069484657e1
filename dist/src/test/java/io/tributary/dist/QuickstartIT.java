package io.tributary.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** config/quickstart.yaml and bin/tributary-quickstart, run from the tree as the README says. */
class QuickstartIT {
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Pattern PRINTED_RECORD = Pattern.compile("(?m)^kafka> quickstart-0@([0-9]+): \\S+ (.*)$");

    @Test
    void theQuickstartConfigTailsTheSampleLogIntoTheEmbeddedBrokerExactlyOnce() throws Exception {
        try (TreeCopy tree = new TreeCopy()) {
            Path sampleLog = Files.createDirectories(tree.resolve("data/quickstart")).resolve("sample.log");
            Files.writeString(sampleLog, "line 1\nline 2\nline 3\n", StandardCharsets.UTF_8);
            Path agentOutput = tree.resolve("agent.out");
            Process agent = new ProcessBuilder(tree.resolve("bin/tributary").toString(), "run", "--config",
                    tree.resolve("config/quickstart.yaml").toString())
                    .redirectErrorStream(true).redirectOutput(agentOutput.toFile()).start();
            try {
                Path bootstrapServersFile = tree.resolve("data/embedded-kafka/bootstrap_servers");
                await().atMost(STARTUP).until(() -> Files.exists(bootstrapServersFile) || !agent.isAlive());
                assertThat(agent.isAlive()).as(() -> output(agentOutput)).isTrue();
                String bootstrapServers = Files.readString(bootstrapServersFile).strip();

                try (KafkaConsumer<String, String> consumer = readCommitted(bootstrapServers)) {
                    List<String> values = new ArrayList<>();
                    await().atMost(STARTUP).until(() -> poll(consumer, values).size() >= 3);
                    Files.writeString(sampleLog, "line 4\nline 5\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    await().atMost(Duration.ofSeconds(30)).until(() -> poll(consumer, values).size() >= 5);
                    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> poll(consumer, values).size() == 5);

                    assertThat(values).containsExactly("line 1", "line 2", "line 3", "line 4", "line 5");
                }
                HttpResponse<String> health = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:9464/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).isEqualTo("{\"status\":\"up\",\"producer\":{\"status\":\"up\"},"
                        + "\"sources\":{\"quickstart\":{\"type\":\"file\",\"status\":\"up\"}}}\n");
            } finally {
                agent.destroy();
                assertThat(agent.waitFor(45, TimeUnit.SECONDS)).as("stopped within 45 s").isTrue();
            }
            assertThat(agent.exitValue()).as(() -> output(agentOutput)).isZero();
            assertThat(output(agentOutput)).contains("Tributary agent quickstart stopped");
        }
    }

    @Test
    void theQuickstartScriptPrintsTheLinesItWritesAsKafkaHasThemAndCtrlCStopsEverythingCleanly() throws Exception {
        try (TreeCopy tree = new TreeCopy()) {
            String firstRun = runQuickstartUntil(tree, tree.resolve("quickstart.out"), 2);
            assertThat(firstRun).containsPattern("(?m)^kafka> quickstart-0@0: \\S+ quickstart line 1$");
        }
    }

    /**
     * The README's promise: Ctrl-C, the same command again, and it goes on where it stopped. The
     * embedded broker starts over its own data, the agent resumes from its checkpoint and the
     * consumer from its committed offset, so the two runs together print every line once, in order.
     */
    @Test
    void aSecondRunOfTheQuickstartContinuesTheTopicWithoutRepeatingALine() throws Exception {
        try (TreeCopy tree = new TreeCopy()) {
            String firstRun = runQuickstartUntil(tree, tree.resolve("first.out"), 3);
            Map<Long, String> firstRecords = records(firstRun);
            long lastOfFirstRun = firstRecords.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();

            String secondRun = runQuickstartUntil(tree, tree.resolve("second.out"), lastOfFirstRun + 4);
            Map<Long, String> secondRecords = records(secondRun);
            assertThat(secondRecords.keySet()).as(secondRun).anyMatch(offset -> offset > lastOfFirstRun);

            Map<Long, String> topic = new TreeMap<>(firstRecords);
            secondRecords.forEach((offset, line) -> assertThat(topic.putIfAbsent(offset, line))
                    .as("offset %d printed by both runs", offset).isIn(null, line));
            // Offsets have gaps where the transactions' commit markers are; the lines have none.
            assertThat(List.copyOf(topic.values())).isEqualTo(IntStream.rangeClosed(1, topic.size())
                    .mapToObj(line -> "quickstart line " + line).toList());
        }
    }

    /**
     * Runs bin/tributary-quickstart until it printed the record with {@code lastOffset}, then stops it
     * as Ctrl-C in a terminal does, and returns what it printed.
     */
    private static String runQuickstartUntil(TreeCopy tree, Path output, long lastOffset) throws Exception {
        // In a process group of its own, so that the stop below reaches the script and all it
        // started, as Ctrl-C in a terminal sends SIGINT to the whole foreground group. With SIGINT at
        // its default, as in a terminal: a build started in a shell's background inherits it ignored.
        Process quickstart = new ProcessBuilder("setsid", "env", "--default-signal=INT",
                tree.resolve("bin/tributary-quickstart").toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            await().atMost(STARTUP).until(() -> records(output(output)).containsKey(lastOffset) || !quickstart.isAlive());
            assertThat(quickstart.isAlive()).as(() -> output(output)).isTrue();
        } finally {
            assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + quickstart.pid()).start().waitFor()).isZero();
            assertThat(quickstart.waitFor(45, TimeUnit.SECONDS)).as("stopped within 45 s").isTrue();
        }
        String printed = output(output);
        assertThat(quickstart.exitValue()).as(printed).isZero();
        assertThat(printed).contains("Tributary agent quickstart stopped");
        assertThat(ProcessHandle.allProcesses().flatMap(p -> p.info().commandLine().stream())
                .filter(command -> command.contains(tree.home.toString()))).as("left running").isEmpty();
        return printed;
    }

    /** The records the quickstart consumer printed: offset to line, without the line's timestamp. */
    private static Map<Long, String> records(String printed) {
        Map<Long, String> records = new TreeMap<>();
        Matcher record = PRINTED_RECORD.matcher(printed);
        while (record.find()) {
            records.put(Long.parseLong(record.group(1)), record.group(2));
        }
        return records;
    }

    private static KafkaConsumer<String, String> readCommitted(String bootstrapServers) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.GROUP_ID_CONFIG, "quickstart-it"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of("quickstart"));
        return consumer;
    }

    private static List<String> poll(KafkaConsumer<String, String> consumer, List<String> values) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            values.add(record.value());
        }
        return values;
    }

    private static String output(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
