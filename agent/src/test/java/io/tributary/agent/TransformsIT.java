package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import io.tributary.testkit.TestAgent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source's transforms: what a read_committed consumer sees, what commits, and what validate says. */
class TransformsIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Map<?, ?> json(String text) {
        try {
            return JSON.readValue(text, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aJsonLineIsParsedGetsAFieldAndLosesAnother() {
        AgentFixture fixture = AgentFixture.in(dir).write("parse", """
                sources:
                  numbers:
                    type: sequence
                    topic: parsed
                    count: 100
                    json: true
                    transforms:
                      - type: parse_json
                      - type: add_fields
                        source_field: source
                      - class: org.apache.kafka.connect.transforms.ReplaceField$Value
                        exclude: level
                """);
        try (AgentProcess agent = fixture.start()) {
            List<ConsumerRecord<byte[], byte[]>> records = fixture.awaitCount(agent, "parsed", 100, WAIT);
            assertThat(KafkaReader.values(records).stream().map(TransformsIT::json).toList()).isEqualTo(LongStream.range(0, 100)
                    .mapToObj(n -> Map.of("n", (int) n, "msg", "record-" + n, "source", "numbers")).toList());
            assertThat(KafkaReader.header(records.get(7), "seq")).isEqualTo("7");
            TestAgent.stopGracefully(agent);
        }
    }

    @Test
    void recordsAPredicateDropsStillMoveTheCheckpointSoAKillRepeatsNothing() {
        int count = 20_001;
        AgentFixture fixture = AgentFixture.in(dir).write("drop", """
                sources:
                  numbers:
                    type: sequence
                    topic: kept
                    count: %d
                    per_poll: 200
                    json: true
                    value_format: json
                    transforms:
                      - class: org.apache.kafka.connect.transforms.Filter
                        predicate: debug
                    predicates:
                      debug:
                        type: matches
                        field: level
                        pattern: ^debug$
                """.formatted(count));
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "kept", 6_000, WAIT);
            agent.sigkill();
            agent.waitFor(Duration.ofSeconds(10));
        }
        try (AgentProcess agent = fixture.start()) {
            List<ConsumerRecord<byte[], byte[]>> records = fixture.awaitCount(agent, "kept", 18_000, WAIT);
            TestAgent.stopGracefully(agent);
            assertThat(KafkaReader.values(records)).containsExactlyElementsOf(LongStream.range(0, count).filter(n -> n % 10 != 0)
                    .mapToObj(n -> "{\"n\":" + n + ",\"level\":\"info\",\"msg\":\"record-" + n + "\"}").toList());
        }
        // The last record (20000) was dropped: only its checkpoint-only record moved the checkpoint there.
        AgentProcess.Result list = fixture.command("checkpoints", "list");
        assertThat(list.output()).containsPattern("numbers\\s+seq\\s+next=20001\\b");
    }

    @Test
    void regexRouterSendsRecordsToAnotherTopic() {
        AgentFixture fixture = AgentFixture.in(dir).write("route", """
                sources:
                  numbers:
                    type: sequence
                    topic: routing
                    count: 50
                    transforms:
                      - class: org.apache.kafka.connect.transforms.RegexRouter
                        regex: (.*)ing
                        replacement: $1ed
                """);
        try (AgentProcess agent = fixture.start()) {
            List<ConsumerRecord<byte[], byte[]>> records = fixture.awaitCount(agent, "routed", 50, WAIT);
            assertThat(records).allMatch(record -> record.topic().equals("routed"));
            assertThat(KafkaReader.values(records)).containsExactlyElementsOf(
                    LongStream.range(0, 50).mapToObj(n -> "record-" + n).toList());
            TestAgent.stopGracefully(agent);
        }
        assertThat(fixture.command("checkpoints", "list").output()).containsPattern("numbers\\s+seq\\s+next=50\\b");
    }

    @Test
    void aThirdPartyTransformLoadsByClassFromAPlainJarInPluginsDir() throws IOException {
        AgentFixture fixture = AgentFixture.in(dir);
        thirdPartyJar(fixture.pluginsDir().resolve("acme-transforms.jar"));
        fixture.write("acme", """
                sources:
                  numbers:
                    type: sequence
                    topic: shouted
                    count: 20
                    transforms:
                      - class: com.acme.connect.Shout
                        suffix: "!"
                """);
        try (AgentProcess agent = fixture.start()) {
            List<ConsumerRecord<byte[], byte[]>> records = fixture.awaitCount(agent, "shouted", 20, WAIT);
            assertThat(KafkaReader.values(records)).containsExactlyElementsOf(
                    LongStream.range(0, 20).mapToObj(n -> "RECORD-" + n + "!").toList());
            TestAgent.stopGracefully(agent);
        }
    }

    @Test
    void aTransformThatThrowsGoesWhereEachOnErrorSays() {
        // The pattern does not match numbers ending in 5: parse_regex throws on them.
        String transforms = """
                    count: 100
                    transforms:
                      - type: parse_regex
                        pattern: record-(?<n>\\d*[0-46-9])
                """;
        AgentFixture fixture = AgentFixture.in(dir).write("throwing", """
                sources:
                  lettered:
                    type: sequence
                    topic: thrown-dl
                    on_error: dead_letter
                    dead_letter_topic: thrown-dead
                %s  skipping:
                    type: sequence
                    topic: thrown-skip
                    on_error: skip
                %s  failing:
                    type: sequence
                    topic: thrown-fail
                    on_error: fail
                %s""".formatted(transforms, transforms, transforms));
        List<String> kept = LongStream.range(0, 100).filter(n -> n % 10 != 5).mapToObj(n -> "{\"n\":\"" + n + "\"}").toList();
        try (AgentProcess agent = fixture.start()) {
            assertThat(KafkaReader.values(fixture.awaitCount(agent, "thrown-dl", 90, WAIT))).containsExactlyElementsOf(kept);
            List<ConsumerRecord<byte[], byte[]>> dead = fixture.awaitCount(agent, "thrown-dead", 10, WAIT);
            assertThat(KafkaReader.values(dead)).containsExactlyElementsOf(
                    LongStream.range(0, 100).filter(n -> n % 10 == 5).mapToObj(n -> "record-" + n).toList());
            ConsumerRecord<byte[], byte[]> first = dead.get(0);
            assertThat(KafkaReader.header(first, "tributary.error")).isEqualTo(
                    "DataException: parse_regex: the text does not match record-(?<n>\\d*[0-46-9])");
            assertThat(KafkaReader.header(first, "tributary.error.topic")).isEqualTo("thrown-dl");
            assertThat(KafkaReader.header(first, "tributary.error.source")).isEqualTo("lettered");
            assertThat(KafkaReader.header(first, "tributary.error.value.bytes")).isEqualTo("8");
            assertThat(KafkaReader.header(first, "tributary.error.transform")).isEqualTo("parse_regex");
            assertThat(KafkaReader.header(first, "seq")).isEqualTo("5");
            assertThat(KafkaReader.values(fixture.awaitCount(agent, "thrown-skip", 90, WAIT))).containsExactlyElementsOf(kept);
            assertThat(agent.awaitLine("Source failing: transform parse_regex failed on a record for topic thrown-fail", WAIT)).isTrue();
            TestAgent.stopGracefully(agent);
        }
        assertThat(KafkaReader.values(KafkaReader.readAll(fixture.broker.bootstrapServers(), "thrown-fail")))
                .containsExactlyElementsOf(kept.subList(0, 5));
        String checkpoints = fixture.command("checkpoints", "list").output();
        assertThat(checkpoints).containsPattern("failing\\s+seq\\s+next=5\\b");
        assertThat(checkpoints).containsPattern("skipping\\s+seq\\s+next=100\\b");
        assertThat(checkpoints).containsPattern("lettered\\s+seq\\s+next=100\\b");
    }

    @Test
    void validateReportsTransformErrorsByPathAndLine() {
        AgentFixture fixture = AgentFixture.in(dir).write("validate-transforms", """
                sources:
                  numbers:
                    type: sequence
                    topic: numbers
                    value_format: yaml
                    transforms:
                      - type: parse_jsn
                      - class: org.apache.kafka.connect.transforms.InsertField$Value
                        static.field: host
                        static.value: web-1
                        topic.feild: topic
                      - type: filter
                        pattern: "[unclosed"
                        action: keep
                        predicate: noisy
                """);
        AgentProcess.Result result = fixture.command("validate");
        String file = fixture.config.toString();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.lines()).containsSubsequence(
                file + ":10:5: sources.numbers.value_format: must be one of bytes, string, json, got \"yaml\"",
                file + ":12:9: sources.numbers.transforms[0].type: Tributary has no transform called \"parse_jsn\", did you mean \"parse_json\"?"
                        + "; Tributary's own are add_fields, filter, parse_json, parse_regex, timestamp, others are named by class:",
                file + ":16:9: sources.numbers.transforms[1].topic.feild: unknown setting, did you mean \"topic.field\"?",
                file + ":18:9: sources.numbers.transforms[2].pattern: Invalid value [unclosed for configuration pattern: "
                        + "not a valid regular expression: Unclosed character class near index 8",
                file + ":20:9: sources.numbers.transforms[2].predicate: names none of this source's predicates: \"noisy\"; "
                        + "declare it under the source's predicates:",
                "5 errors in " + file);
    }

    /** A plain jar with one Connect transform, compiled here so that it is nowhere on the class path. */
    private void thirdPartyJar(Path jar) throws IOException {
        Path sources = Files.createDirectories(dir.resolve("acme-src/com/acme/connect"));
        Path source = Files.writeString(sources.resolve("Shout.java"), """
                package com.acme.connect;

                import java.nio.charset.StandardCharsets;
                import java.util.Map;
                import org.apache.kafka.common.config.ConfigDef;
                import org.apache.kafka.connect.connector.ConnectRecord;
                import org.apache.kafka.connect.transforms.Transformation;

                public class Shout<R extends ConnectRecord<R>> implements Transformation<R> {
                    private String suffix;

                    public void configure(Map<String, ?> configs) {
                        suffix = (String) configs.get("suffix");
                    }

                    public R apply(R record) {
                        String text = new String((byte[]) record.value(), StandardCharsets.UTF_8).toUpperCase() + suffix;
                        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                                null, text, record.timestamp());
                    }

                    public ConfigDef config() {
                        return new ConfigDef().define("suffix", ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW, "appended");
                    }

                    public void close() {
                    }
                }
                """);
        Path classes = Files.createDirectories(dir.resolve("acme-classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK's compiler").isNotNull();
        assertThat(compiler.run(null, null, null, "-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                "--release", "17", source.toString())).isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path classFile : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                out.putNextEntry(new JarEntry(classes.relativize(classFile).toString().replace('\\', '/')));
                Files.copy(classFile, out);
                out.closeEntry();
            }
        }
    }
}
