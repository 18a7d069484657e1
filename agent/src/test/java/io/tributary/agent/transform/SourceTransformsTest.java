package io.tributary.agent.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.agent.config.ConfigError;
import io.tributary.agent.config.ConfigLoader;
import io.tributary.agent.config.LoadResult;
import io.tributary.agent.config.SourceConfig;
import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.api.ValueFormat;
import io.tributary.transforms.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceTransformsTest {

    @TempDir
    Path folder;

    /** An agent file ending in source app, whose settings a test goes on with. */
    private static final String SOURCE_APP = """
                agent:
                  id: edge-1
                kafka:
                  bootstrap_servers: localhost:9092
                sources:
                  app:
                    type: sequence
                    topic: logs
                """;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Path file;

    /** The transforms of source {@code app} in {@code sourceYaml}, or the errors they have. */
    private Object prepare(String sourceYaml, ValueFormat typeFormat) throws IOException {
        file = Files.writeString(folder.resolve("agent.yaml"), SOURCE_APP + sourceYaml);
        LoadResult loaded = ConfigLoader.load(file, Map.of());
        List<ConfigError> errors = new ArrayList<>(loaded.errors());
        SourceConfig source = loaded.config().sources().get("app");
        ConfiguredTransforms configured = ConfiguredTransforms.prepare(source, typeFormat, "edge-1",
                getClass().getClassLoader(), errors);
        errors.sort(ConfigError.IN_FILE_ORDER);
        return errors.isEmpty() ? configured.start(source, registry) : errors.stream().map(ConfigError::toString).toList();
    }

    private SourceTransforms transforms(String sourceYaml) throws IOException {
        return transforms(sourceYaml, ValueFormat.BYTES);
    }

    private SourceTransforms transforms(String sourceYaml, ValueFormat typeFormat) throws IOException {
        Object prepared = prepare(sourceYaml, typeFormat);
        assertThat(prepared).isInstanceOf(SourceTransforms.class);
        return (SourceTransforms) prepared;
    }

    @SuppressWarnings("unchecked")
    private List<String> errors(String sourceYaml) throws IOException {
        Object prepared = prepare(sourceYaml, ValueFormat.BYTES);
        assertThat(prepared).isInstanceOf(List.class);
        return (List<String>) prepared;
    }

    private static SourceRecord line(String value, long next) {
        return SourceRecord.builder("logs").value(value.getBytes(StandardCharsets.UTF_8))
                .header("path", "/var/log/app.log").checkpoint("f", Position.of("offset", next)).build();
    }

    private static String value(SourceRecord record) {
        return record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
    }

    private static String header(SourceRecord record, String name) {
        return record.headers().stream().filter(h -> h.key().equals(name)).map(Header::value)
                .map(v -> new String(v, StandardCharsets.UTF_8)).findFirst().orElse(null);
    }

    private double count(String meter, String transform, String action) {
        var search = registry.find(meter).tag("transform", transform);
        if (action != null) {
            search = search.tag("action", action);
        }
        return search.counter().count();
    }

    @Test
    void aJsonLineIsParsedGetsAFieldAndLosesAnotherAndIsWrittenBackAsJson() throws IOException {
        SourceTransforms transforms = transforms("""
                    transforms:
                      - type: parse_json
                      - type: add_fields
                        source_field: source
                        agent_id_field: agent.id
                      - class: org.apache.kafka.connect.transforms.ReplaceField$Value
                        exclude: [password]
                """);
        SourceTransforms.Result result = transforms.apply(List.of(line("{\"msg\":\"hi\",\"password\":\"x\",\"price\":12.10}", 1)));
        assertThat(result.failure()).isNull();
        SourceRecord out = result.records().get(0);
        // ReplaceField makes a HashMap, as on a Connect worker: the field order is its.
        assertThat(JsonValues.parse(out.value())).isEqualTo(Map.of("msg", "hi", "price", 12.1,
                "source", "app", "agent", Map.of("id", "edge-1")));
        assertThat(out.topic()).isEqualTo("logs");
        assertThat(header(out, "path")).isEqualTo("/var/log/app.log");
        assertThat(out.checkpoint()).isEqualTo(new Checkpoint("f", Position.of("offset", 1L)));
    }

    @Test
    void aDroppedRecordLeavesItsCheckpointAndOneWithoutACheckpointLeavesNothing() throws IOException {
        SourceTransforms transforms = transforms("""
                    transforms:
                      - class: org.apache.kafka.connect.transforms.Filter
                        predicate: debug
                    predicates:
                      debug:
                        type: matches
                        pattern: DEBUG
                """);
        SourceRecord noCheckpoint = SourceRecord.builder("logs").value("DEBUG a".getBytes(StandardCharsets.UTF_8)).build();
        SourceTransforms.Result result = transforms.apply(List.of(noCheckpoint, line("DEBUG b", 2), line("INFO c", 3)));
        assertThat(result.records()).hasSize(2);
        assertThat(result.records().get(0).isCheckpointOnly()).isTrue();
        assertThat(result.records().get(0).checkpoint()).isEqualTo(new Checkpoint("f", Position.of("offset", 2L)));
        assertThat(value(result.records().get(1))).isEqualTo("INFO c");
        assertThat(count("tributary.transform.dropped", "org.apache.kafka.connect.transforms.Filter", null)).isEqualTo(2);
    }

    @Test
    void negateAppliesTheTransformWhereThePredicateIsFalse() throws IOException {
        SourceTransforms transforms = transforms("""
                    transforms:
                      - type: filter
                        pattern: ^ERROR
                        action: keep
                        predicate: audit
                        negate: true
                    predicates:
                      audit:
                        class: org.apache.kafka.connect.transforms.predicates.HasHeaderKey
                        name: audit
                """);
        SourceRecord audited = SourceRecord.builder("logs").value("INFO audited".getBytes(StandardCharsets.UTF_8))
                .header("audit", "yes").checkpoint("f", Position.of("offset", 1L)).build();
        List<SourceRecord> out = transforms.apply(List.of(audited, line("INFO dropped", 2), line("ERROR kept", 3))).records();
        assertThat(out).extracting(SourceTransformsTest::value).containsExactly("INFO audited", null, "ERROR kept");
    }

    @Test
    void regexRouterChangesTheTopicAndTimestampComesFromAField() throws IOException {
        SourceTransforms transforms = transforms("""
                    value_format: json
                    transforms:
                      - class: org.apache.kafka.connect.transforms.RegexRouter
                        regex: (.*)
                        replacement: $1-routed
                      - type: timestamp
                        field: time
                """);
        SourceRecord out = transforms.apply(List.of(line("{\"time\":\"2024-05-01T12:00:00.250Z\"}", 1))).records().get(0);
        assertThat(out.topic()).isEqualTo("logs-routed");
        assertThat(out.timestamp()).isEqualTo(1_714_564_800_250L);
        assertThat(value(out)).isEqualTo("{\"time\":\"2024-05-01T12:00:00.250Z\"}");
    }

    @Test
    void theSourceTypesFormatAppliesUnlessTheSourceSetsOne() throws IOException {
        SourceRecord keyed = SourceRecord.builder("logs").key("web-1".getBytes(StandardCharsets.UTF_8))
                .value("{\"message\":\"up\"}".getBytes(StandardCharsets.UTF_8)).build();
        String extract = """
                    transforms:
                      - class: org.apache.kafka.connect.transforms.ExtractField$Value
                        field: message
                """;
        SourceRecord json = transforms(extract, ValueFormat.JSON).apply(List.of(keyed)).records().get(0);
        assertThat(value(json)).isEqualTo("\"up\"");
        assertThat(new String(json.key(), StandardCharsets.UTF_8)).isEqualTo("web-1");
        SourceRecord text = transforms("""
                    value_format: string
                    transforms:
                      - class: org.apache.kafka.connect.transforms.HoistField$Value
                        field: line
                """, ValueFormat.JSON).apply(List.of(keyed)).records().get(0);
        assertThat(value(text)).isEqualTo("{\"line\":\"{\\\"message\\\":\\\"up\\\"}\"}");
    }

    @Test
    void aThrowingTransformGoesToTheDeadLetterTopicWithTheErrorInHeaders() throws IOException {
        SourceTransforms transforms = transforms("""
                    on_error: dead_letter
                    dead_letter_topic: dead
                    transforms:
                      - type: parse_json
                """);
        List<SourceRecord> out = transforms.apply(List.of(line("{\"ok\":1}", 1), line("not json", 2))).records();
        SourceRecord dead = out.get(1);
        assertThat(dead.topic()).isEqualTo("dead");
        assertThat(value(dead)).isEqualTo("not json");
        assertThat(dead.checkpoint()).isEqualTo(new Checkpoint("f", Position.of("offset", 2L)));
        assertThat(header(dead, "path")).isEqualTo("/var/log/app.log");
        assertThat(header(dead, "tributary.error")).startsWith("DataException: not valid JSON: Unrecognized token 'not'");
        assertThat(header(dead, "tributary.error.topic")).isEqualTo("logs");
        assertThat(header(dead, "tributary.error.source")).isEqualTo("app");
        assertThat(header(dead, "tributary.error.value.bytes")).isEqualTo("8");
        assertThat(header(dead, "tributary.error.transform")).isEqualTo("parse_json");
        assertThat(count("tributary.transform.errors", "parse_json", "dead_letter")).isEqualTo(1);
    }

    @Test
    void skipLeavesTheCheckpointOnly() throws IOException {
        SourceTransforms transforms = transforms("""
                    on_error: skip
                    transforms:
                      - type: parse_json
                """);
        List<SourceRecord> out = transforms.apply(List.of(line("nope", 1), line("{}", 2))).records();
        assertThat(out.get(0).isCheckpointOnly()).isTrue();
        assertThat(value(out.get(1))).isEqualTo("{}");
        assertThat(count("tributary.transform.errors", "parse_json", "skip")).isEqualTo(1);
    }

    @Test
    void failHandsOverOnlyWhatPrecedesTheRecordUpToTheLastCheckpoint() throws IOException {
        SourceTransforms transforms = transforms("""
                    on_error: fail
                    transforms:
                      - type: parse_json
                """);
        SourceRecord withoutCheckpoint = SourceRecord.builder("logs").value("{}".getBytes(StandardCharsets.UTF_8)).build();
        SourceTransforms.Result result = transforms.apply(List.of(line("{}", 1), withoutCheckpoint, line("bad", 3), line("{}", 4)));
        assertThat(result.records()).hasSize(1);
        assertThat(result.records().get(0).checkpoint()).isEqualTo(new Checkpoint("f", Position.of("offset", 1L)));
        assertThat(result.failure()).isEqualTo("stopped by on_error: fail on a record transform parse_json failed on: "
                + "DataException: not valid JSON: Unrecognized token 'bad': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
    }

    @Test
    void aValueThatIsNotJsonUnderValueFormatJsonIsAnErrorOfTheFormat() throws IOException {
        SourceTransforms transforms = transforms("""
                    value_format: json
                    on_error: skip
                    transforms:
                      - type: add_fields
                        source_field: source
                """);
        assertThat(transforms.apply(List.of(line("plain", 1))).records().get(0).isCheckpointOnly()).isTrue();
        assertThat(count("tributary.transform.errors", "value_format", "skip")).isEqualTo(1);
    }

    @Test
    void everyTransformOfTheReferenceConfigConfigures() {
        LoadResult loaded = ConfigLoader.load(Path.of("../config/tributary.yaml"), Map.of("HOSTNAME", "edge-1"));
        SourceConfig source = loaded.config().sources().get("app-json");
        List<ConfigError> errors = new ArrayList<>();
        ConfiguredTransforms configured = ConfiguredTransforms.prepare(source, ValueFormat.BYTES, "edge-1",
                getClass().getClassLoader(), errors);
        assertThat(errors).isEmpty();
        List<SourceRecord> out = configured.start(source, registry).apply(List.of(
                line("{\"line\":\"WARN [main] disk full\",\"time\":\"2024-05-01T12:00:00Z\",\"password\":\"x\"}", 1),
                line("{\"line\":\"DEBUG [main] noise\",\"time\":\"2024-05-01T12:00:00Z\"}", 2),
                line("{\"category\":\"audit\",\"time\":\"2024-05-01T12:00:00Z\"}", 3))).records();
        assertThat(out).extracting(SourceRecord::topic).containsExactly("logs", null, "logs.audit");
        assertThat(out.get(0).timestamp()).isEqualTo(1_714_564_800_000L);
        Map<?, ?> first = (Map<?, ?>) JsonValues.parse(out.get(0).value());
        assertThat(first.get("message")).isEqualTo("disk full");
        assertThat(first.get("source")).isEqualTo("app-json");
        assertThat(first.containsKey("password")).isFalse();
    }

    @Test
    void aReloadSeesTransformsChangedAndUnchanged() throws IOException {
        String base = SOURCE_APP + """
                    transforms:
                      - type: filter
                        pattern: x
                        action: %s
                """;
        Path first = Files.writeString(folder.resolve("first.yaml"), base.formatted("keep"));
        Path same = Files.writeString(folder.resolve("same.yaml"), base.formatted("keep"));
        Path changed = Files.writeString(folder.resolve("changed.yaml"), base.formatted("drop"));
        var transforms = ConfigLoader.load(first, Map.of()).config().sources().get("app").transforms();
        assertThat(transforms.sameAs(ConfigLoader.load(same, Map.of()).config().sources().get("app").transforms())).isTrue();
        assertThat(transforms.sameAs(ConfigLoader.load(changed, Map.of()).config().sources().get("app").transforms())).isFalse();
    }

    @Test
    void everyProblemIsReportedByPathAndLine() throws IOException {
        List<String> errors = errors("""
                    transforms:
                      - type: parse_jsn
                      - class: org.apache.kafka.connect.transforms.InsertField$Value
                        static.feld: host
                      - class: org.apache.kafka.connect.transforms.RegexRouter
                        regex: "("
                        replacement: x
                      - type: filter
                        pattern: x
                        action: maybe
                      - class: java.lang.String
                      - class: com.example.Missing
                      - type: parse_regex
                        pattern: no groups
                        predicate: debg
                    predicates:
                      debug:
                        type: matches
                """);
        assertThat(errors).containsExactly(
                file + ":10:9: sources.app.transforms[0].type: Tributary has no transform called \"parse_jsn\", did you mean \"parse_json\"?"
                        + "; Tributary's own are add_fields, filter, parse_json, parse_regex, timestamp, others are named by class:",
                file + ":11:9: sources.app.transforms[1]: No field insertion configured",
                file + ":12:9: sources.app.transforms[1].static.feld: unknown setting, did you mean \"static.field\"?",
                file + ":14:9: sources.app.transforms[2].regex: Invalid value ( for configuration regex: Invalid regex: Unclosed group near index 1",
                file + ":18:9: sources.app.transforms[3].action: Invalid value maybe for configuration action: String must be one of: keep, drop",
                file + ":19:9: sources.app.transforms[4].class: class java.lang.String is not a Kafka Connect Transformation",
                file + ":20:9: sources.app.transforms[5].class: class com.example.Missing is not in any plain jar of plugins_dir nor on the agent's class path",
                file + ":22:9: sources.app.transforms[6].pattern: Invalid value no groups for configuration pattern: has no named group like (?<level>\\w+), so it would make no field",
                file + ":23:9: sources.app.transforms[6].predicate: names none of this source's predicates: \"debg\", did you mean \"debug\"?",
                file + ":26:9: sources.app.predicates.debug.pattern: Missing required configuration \"pattern\" which has no default value.");
    }
}
