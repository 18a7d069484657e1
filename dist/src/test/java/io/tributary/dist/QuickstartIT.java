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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** config/quickstart.yaml and bin/tributary-quickstart, run from the tree as the README says. */
class QuickstartIT {
    private static final Duration STARTUP = Duration.ofSeconds(90);

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
            Path output = tree.resolve("quickstart.out");
            // In a process group of its own, so that the stop below reaches the script and all it
            // started, as Ctrl-C in a terminal sends SIGINT to the whole foreground group.
            Process quickstart = new ProcessBuilder("setsid", tree.resolve("bin/tributary-quickstart").toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try {
                await().atMost(STARTUP).until(() -> output(output).contains(" quickstart line 2\n") || !quickstart.isAlive());
                assertThat(output(output)).containsPattern("(?m)^kafka> quickstart-0@0: \\S+ quickstart line 1$");
            } finally {
                assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + quickstart.pid()).start().waitFor()).isZero();
                assertThat(quickstart.waitFor(45, TimeUnit.SECONDS)).as("stopped within 45 s").isTrue();
            }
            assertThat(quickstart.exitValue()).as(() -> output(output)).isZero();
            assertThat(output(output)).contains("Tributary agent quickstart stopped");
            assertThat(ProcessHandle.allProcesses().flatMap(p -> p.info().commandLine().stream())
                    .filter(command -> command.contains(tree.home.toString()))).as("left running").isEmpty();
        }
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
