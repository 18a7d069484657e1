package io.tributary.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.KafkaReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every compression.type through the tree's bin/tributary, with the codecs lib/ ships, on a JVM whose
 * java.io.tmpdir cannot be used, as on a host that mounts /tmp noexec: zstd-jni and snappy-java
 * unpack their native libraries there unless told otherwise.
 */
class CompressionIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int LINES = 2000;
    private static final Pattern COMPRESSION_RATE = Pattern.compile("(?m)^kafka_producer_compression_rate_avg\\{[^}]*} (\\S+)$");

    /*
     * zstd-jni has no Java fallback and deletes its library once loaded: its records arriving are the
     * proof. snappy-java keeps its library in the folder while the JVM runs; lz4-java falls back to Java.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"zstd, ", "lz4, ", "snappy, snappy-", "gzip, "})
    void everyCodecCompressesThroughTheTreeWhereTmpCannotHoldNativeLibraries(String codec, String nativeLibrary) throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = "compressed." + codec;
        int port = freePort();
        try (TreeCopy tree = new TreeCopy()) {
            Path input = Files.createDirectories(tree.resolve("data/in"));
            List<String> lines = IntStream.range(0, LINES).mapToObj(n -> "a line that compresses well, " + codec + " line " + n).toList();
            Files.write(input.resolve("app.log"), lines, StandardCharsets.UTF_8);
            Path config = Files.writeString(tree.resolve("config/agent.yaml"), """
                    agent:
                      id: compression-%s
                      plugins_dir: ../plugins
                      data_dir: ../data
                      http: 127.0.0.1:%d
                    kafka:
                      bootstrap_servers: %s
                      producer:
                        compression.type: %s
                        linger.ms: 50
                    sources:
                      lines:
                        type: file
                        topic: %s
                        include: ["%s/*.log"]
                        read_from: beginning
                    """.formatted(codec, port, broker.bootstrapServers(), codec, topic, input));
            Process agent = tree.startAgent(config, Map.of("JAVA_OPTS", "-Djava.io.tmpdir=" + tree.resolve("no-such-folder")));
            try {
                List<String> values = KafkaReader.values(KafkaReader.awaitCount(broker.bootstrapServers(), topic, LINES, WAIT));
                assertThat(values).as(tree::agentOutput).containsExactlyElementsOf(lines);
                double rate = compressionRate(port);
                assertThat(rate).as("compression rate").isBetween(0.0, 0.5);
                if (nativeLibrary != null) {
                    try (Stream<Path> unpacked = Files.list(tree.resolve("data/native"))) {
                        assertThat(unpacked.map(file -> file.getFileName().toString())).anyMatch(name -> name.contains(nativeLibrary));
                    }
                }
            } finally {
                agent.destroy();
                assertThat(agent.waitFor(45, TimeUnit.SECONDS)).as("stopped within 45 s").isTrue();
            }
            assertThat(agent.exitValue()).as(tree::agentOutput).isZero();
            assertThat(tree.agentOutput()).doesNotContain("Writing to Kafka failed");
        }
    }

    /** The producer's compressed size / uncompressed size, once it has sent a batch. */
    private static double compressionRate(int port) {
        HttpClient http = HttpClient.newHttpClient();
        double[] rate = new double[1];
        await().atMost(WAIT).until(() -> {
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher matcher = COMPRESSION_RATE.matcher(metrics);
            rate[0] = matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
            return !Double.isNaN(rate[0]) && rate[0] > 0;
        });
        return rate[0];
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
