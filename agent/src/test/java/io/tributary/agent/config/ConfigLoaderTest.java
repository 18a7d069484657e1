package io.tributary.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path folder;

    private Path file;

    private LoadResult load(String yaml, Map<String, String> environment) throws IOException {
        file = Files.writeString(folder.resolve("agent.yaml"), yaml);
        return ConfigLoader.load(file, environment);
    }

    private List<String> errors(LoadResult result) {
        return result.errors().stream().map(ConfigError::toString).toList();
    }

    private String at(String locationPathAndMessage) {
        return file + ":" + locationPathAndMessage;
    }

    @Test
    void bindsEveryFieldOfAValidFile() throws IOException {
        Files.writeString(folder.resolve("jaas.conf"), "org.apache.kafka.common.security.plain.PlainLoginModule;\n");
        LoadResult result = load("""
                agent:
                  id: edge-${NODE}
                  plugins_dir: /opt/tributary/plugins
                  data_dir: state
                  delivery: at_least_once
                  commit_interval: 250ms
                  offsets_topic: _offsets
                  http: 127.0.0.1:0
                  max_in_flight_bytes: 128MiB
                kafka:
                  bootstrap_servers: broker-1:9092,broker-2:9092
                  producer:
                    compression.type: zstd
                    linger.ms: 5
                    enable.metrics.push: false
                    sasl.jaas.config: ${file:jaas.conf}
                sources:
                  app-logs:
                    type: file
                    topic: logs.app
                    include: ["/var/log/app/*.log"]
                  syslog:
                    type: syslog
                    on_error: skip
                    dead_letter_topic: dlq.syslog
                    topic: logs.syslog
                interceptors:
                  - type: headers
                    add: { host: "${HOSTNAME}" }
                  - class: com.example.AuditInterceptor
                    audit_topic: audit
                logging:
                  format: json
                  levels:
                    io.tributary: debug
                    org.apache.kafka: WARN
                """, Map.of("NODE", "7", "HOSTNAME", "web-1"));

        assertThat(result.errors()).isEmpty();
        AgentConfig config = result.config();
        assertThat(config.file()).isEqualTo(file);
        assertThat(config.agent()).isEqualTo(new AgentSettings("edge-7", Path.of("/opt/tributary/plugins"),
                folder.resolve("state"), Delivery.AT_LEAST_ONCE, Duration.ofMillis(250), "_offsets",
                new InetSocketAddress("127.0.0.1", 0), 128L << 20));
        assertThat(config.kafka().bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
        assertThat(config.kafka().producer()).containsExactly(
                Map.entry("compression.type", "zstd"),
                Map.entry("linger.ms", "5"),
                Map.entry("enable.metrics.push", "false"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule;"));

        assertThat(config.sources().keySet()).containsExactly("app-logs", "syslog");
        SourceConfig appLogs = config.sources().get("app-logs");
        assertThat(appLogs.name()).isEqualTo("app-logs");
        assertThat(appLogs.type()).isEqualTo("file");
        assertThat(appLogs.onError()).isEqualTo(OnError.DEAD_LETTER);
        assertThat(appLogs.deadLetterTopic()).isEqualTo("tributary.dead_letter");
        assertThat(appLogs.settings().path()).isEqualTo("sources.app-logs");
        assertThat(appLogs.settings().asMap()).containsExactly(
                Map.entry("topic", "logs.app"), Map.entry("include", List.of("/var/log/app/*.log")));
        SourceConfig syslog = config.sources().get("syslog");
        assertThat(syslog.onError()).isEqualTo(OnError.SKIP);
        assertThat(syslog.deadLetterTopic()).isEqualTo("dlq.syslog");

        assertThat(config.interceptors()).hasSize(2);
        InterceptorConfig headers = config.interceptors().get(0);
        assertThat(headers.path()).isEqualTo("interceptors[0]");
        assertThat(headers.type()).isEqualTo("headers");
        assertThat(headers.className()).isNull();
        assertThat(headers.settings().getStringMap("add")).containsExactly(Map.entry("host", "web-1"));
        InterceptorConfig audit = config.interceptors().get(1);
        assertThat(audit.path()).isEqualTo("interceptors[1]");
        assertThat(audit.type()).isNull();
        assertThat(audit.className()).isEqualTo("com.example.AuditInterceptor");
        assertThat(audit.settings().asMap()).containsExactly(Map.entry("audit_topic", "audit"));

        assertThat(config.logging()).isEqualTo(new LoggingSettings("json",
                Map.of("io.tributary", "DEBUG", "org.apache.kafka", "WARN")));
    }

    @Test
    void appliesTheDefaults() throws Exception {
        LoadResult result = load("kafka:\n  bootstrap_servers: embedded\n", Map.of());

        assertThat(result.errors()).isEmpty();
        AgentConfig config = result.config();
        assertThat(config.agent()).isEqualTo(new AgentSettings(InetAddress.getLocalHost().getHostName(),
                folder.resolve("plugins"), folder.resolve("data"), Delivery.EXACTLY_ONCE, Duration.ofMillis(100),
                "_tributary_offsets", new InetSocketAddress("127.0.0.1", 9464), 16L << 20));
        assertThat(config.kafka()).isEqualTo(new KafkaSettings("embedded", Map.of()));
        assertThat(config.sources()).isEmpty();
        assertThat(config.interceptors()).isEmpty();
        assertThat(config.logging()).isEqualTo(new LoggingSettings("text", Map.of()));
    }

    @Test
    void theAgentIdDefaultsToTheHostnameVariable() throws IOException {
        LoadResult result = load("kafka:\n  bootstrap_servers: embedded\n", Map.of("HOSTNAME", "host-a"));

        assertThat(result.config().agent().id()).isEqualTo("host-a");
    }

    @Test
    void httpOffDisablesTheEndpoint() throws IOException {
        LoadResult result = load("agent:\n  http: off\nkafka:\n  bootstrap_servers: embedded\n", Map.of());

        assertThat(result.errors()).isEmpty();
        assertThat(result.config().agent().http()).isNull();
    }

    @Test
    void reportsEveryErrorOfTheFileInLineOrder() throws IOException {
        LoadResult result = load("""
                agent:
                  id: "bad id"
                  delivery: twice
                  commit_interval: 2h
                  http: localhost
                  max_in_flight_bytes: 512KiB
                  plugin_dir: p
                kafka:
                  producer:
                    transactional.id: x
                    key.serializer: y
                sources:
                  "bad name":
                    type: file
                  no-type:
                    topic: t
                    on_error: ignore
                  not-a-map: file
                interceptors:
                  - type: headers
                    class: com.example.X
                  - add: {}
                logging:
                  format: xml
                  levels:
                    io.tributary: LOUD
                sourcs: {}
                """, Map.of());

        assertThat(result.config()).isNotNull();
        assertThat(errors(result)).containsExactly(
                at("2:3: agent.id: must be 1 to 200 letters, digits, \".\", \"_\" or \"-\", got \"bad id\""),
                at("3:3: agent.delivery: must be one of exactly_once, at_least_once, got \"twice\""),
                at("4:3: agent.commit_interval: must be more than 0 and at most 1h, got \"2h\""),
                at("5:3: agent.http: must be host:port or off, got \"localhost\""),
                at("6:3: agent.max_in_flight_bytes: must be at least 1MiB, got \"512KiB\""),
                at("7:3: agent.plugin_dir: unknown setting, did you mean \"plugins_dir\"?"),
                at("8:1: kafka: missing required setting \"bootstrap_servers\""),
                at("10:5: kafka.producer.transactional.id: is set by the agent to tributary-<agent.id>, one per agent so that"
                        + " a second agent fences the first; set agent.id instead"),
                at("11:5: kafka.producer.key.serializer: is set by the agent, which sends byte arrays"),
                at("13:3: sources.bad name: a source name may contain only letters, digits, \".\", \"_\" and \"-\""),
                at("15:3: sources.no-type: missing required setting \"type\""),
                at("17:5: sources.no-type.on_error: must be one of dead_letter, skip, fail, got \"ignore\""),
                at("18:3: sources.not-a-map: must be a map with at least \"type\""),
                at("20:5: interceptors[0]: needs exactly one of \"type\" or \"class\""),
                at("22:5: interceptors[1]: needs exactly one of \"type\" or \"class\""),
                at("24:3: logging.format: must be one of text, json, got \"xml\""),
                at("26:5: logging.levels.io.tributary: must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got \"LOUD\""),
                at("27:1: sourcs: unknown setting, did you mean \"sources\"?"));
    }

    @Test
    void reportsBadAgentValues() throws IOException {
        LoadResult result = load("""
                agent:
                  commit_interval: 0
                  offsets_topic: "no spaces"
                  http: 127.0.0.1:70000
                  max_in_flight_bytes: lots
                kafka:
                  bootstrap_servers: embedded
                  producer:
                    enable.idempotence: false
                    value.serializer: x
                sources:
                  a:
                    type: file
                    dead_letter_topic: "bad topic"
                interceptors:
                  - class: "not a class"
                """, Map.of());

        assertThat(errors(result)).containsExactly(
                at("2:3: agent.commit_interval: must be more than 0 and at most 1h, got \"0\""),
                at("3:3: agent.offsets_topic: must be a Kafka topic name (up to 249 letters, digits, \".\", \"_\" and \"-\"), got \"no spaces\""),
                at("4:3: agent.http: must be host:port or off, got \"127.0.0.1:70000\""),
                at("5:3: agent.max_in_flight_bytes: must be a size like 1MiB, got \"lots\""),
                at("9:5: kafka.producer.enable.idempotence: is always true: agent.delivery exactly_once and at_least_once"
                        + " both write with the idempotent producer, so that a retried send is not written twice; remove it"),
                at("10:5: kafka.producer.value.serializer: is set by the agent, which sends byte arrays"),
                at("14:5: sources.a.dead_letter_topic: must be a Kafka topic name (up to 249 letters, digits, \".\", \"_\" and \"-\"), got \"bad topic\""),
                at("16:5: interceptors[0].class: must be a Java class name like com.example.AuditInterceptor, got \"not a class\""));
    }

    @Test
    void aDeadLetterTopicMayNotBeTheOffsetsTopic() throws IOException {
        LoadResult result = load("""
                agent:
                  offsets_topic: agent.checkpoints
                kafka:
                  bootstrap_servers: embedded
                sources:
                  a:
                    type: file
                    dead_letter_topic: agent.checkpoints
                """, Map.of());

        assertThat(errors(result)).containsExactly(at("8:5: sources.a.dead_letter_topic: must not be "
                + "agent.offsets_topic (agent.checkpoints), where the agent keeps its checkpoints"));
    }

    @Test
    void reportsSectionsOfTheWrongShape() throws IOException {
        LoadResult result = load("""
                agent: [a]
                kafka:
                  bootstrap_servers: embedded
                  producer: zstd
                sources: [a]
                interceptors: {type: headers}
                logging: text
                """, Map.of());

        assertThat(errors(result)).containsExactly(
                at("1:1: agent: must be a map"),
                at("4:3: kafka.producer: must be a map"),
                at("5:1: sources: must be a map of source name to settings"),
                at("6:1: interceptors: must be a list"),
                at("7:1: logging: must be a map"));
    }

    @Test
    void leavesThePluginsKeysToThePlugins() throws IOException {
        LoadResult result = load("""
                kafka:
                  bootstrap_servers: embedded
                sources:
                  app-logs:
                    type: file
                    on_eror: skip
                    topik: logs
                interceptors:
                  - type: headers
                    colour: red
                """, Map.of());

        assertThat(result.errors()).isEmpty();
        YamlSettings source = result.config().sources().get("app-logs").settings();
        assertThat(source.has("type")).isFalse();
        source.getRequiredString("topic");
        assertThat(source.finish()).extracting(ConfigError::toString).containsExactly(
                at("4:3: sources.app-logs: missing required setting \"topic\""),
                at("6:5: sources.app-logs.on_eror: unknown setting, did you mean \"on_error\"?"),
                at("7:5: sources.app-logs.topik: unknown setting, did you mean \"topic\"?"));
        source.error("type", "no loaded plugin offers source type \"file\"");
        assertThat(source.errors()).extracting(ConfigError::toString).last()
                .isEqualTo(at("5:5: sources.app-logs.type: no loaded plugin offers source type \"file\""));
        YamlSettings interceptor = result.config().interceptors().get(0).settings();
        assertThat(interceptor.finish()).extracting(ConfigError::toString).containsExactly(
                at("10:5: interceptors[0].colour: unknown setting"));
    }

    @Test
    void substitutionErrorsInPluginKeysAreReportedWithTheFile() throws IOException {
        LoadResult result = load("""
                agent:
                  id: ${NODE}
                kafka:
                  bootstrap_servers: embedded
                  producer:
                    sasl.jaas.config: ${file:/etc/x}
                sources:
                  db:
                    type: jdbc
                    password: ${DB_PASSWORD}
                """, Map.of());

        assertThat(errors(result)).containsExactly(
                at("2:3: agent.id: environment variable \"NODE\" is not set"),
                at("6:5: kafka.producer.sasl.jaas.config: cannot read file \"/etc/x\": NoSuchFileException"),
                at("10:5: sources.db.password: environment variable \"DB_PASSWORD\" is not set"));
    }

    @Test
    void secretsAppearInNoErrorAndNoToString() throws IOException {
        String secret = "s3cr3t p@ss";
        Files.writeString(folder.resolve("password"), secret);
        LoadResult result = load("""
                agent:
                  id: ${SECRET}
                  http: ${SECRET}
                  max_in_flight_bytes: ${file:password}
                kafka:
                  bootstrap_servers: embedded
                  producer:
                    sasl.jaas.config: ${file:password}
                sources:
                  db:
                    type: jdbc
                    password: ${SECRET}
                    on_error: ${SECRET}
                """, Map.of("SECRET", secret));

        assertThat(errors(result)).containsExactly(
                at("2:3: agent.id: must be 1 to 200 letters, digits, \".\", \"_\" or \"-\", got \"${SECRET}\""),
                at("3:3: agent.http: must be host:port or off, got \"${SECRET}\""),
                at("4:3: agent.max_in_flight_bytes: must be a size like 1MiB, got \"${file:password}\""),
                at("13:5: sources.db.on_error: must be one of dead_letter, skip, fail, got \"${SECRET}\""));
        assertThat(result.config().kafka().producer()).containsEntry("sasl.jaas.config", secret);
        assertThat(result.config().toString()).doesNotContain(secret);
    }

    @Test
    void anEmptyFileNeedsOnlyTheBootstrapServers() throws IOException {
        LoadResult result = load("", Map.of());

        assertThat(result.config()).isNotNull();
        assertThat(errors(result)).containsExactly(at("1:1: kafka: missing required setting \"bootstrap_servers\""));
    }

    @Test
    void aFileThatIsNotAMapIsAnError() throws IOException {
        LoadResult result = load("- agent\n", Map.of());

        assertThat(errors(result)).containsExactly(
                at("1:1: must be a map with the sections agent, kafka, sources, interceptors and logging"),
                at("1:1: kafka: missing required setting \"bootstrap_servers\""));
    }

    @Test
    void invalidYamlIsOneErrorAtTheLineSnakeYamlReports() throws IOException {
        LoadResult result = load("""
                agent:
                  id: a
                   delivery: b
                kafka: {bootstrap_servers: embedded}
                """, Map.of());

        assertThat(result.config()).isNull();
        assertThat(errors(result)).containsExactly(at("3:12: invalid YAML: mapping values are not allowed here"));
    }

    @Test
    void aKeySetTwiceIsAnError() throws IOException {
        LoadResult result = load("""
                kafka:
                  bootstrap_servers: a:9092
                  bootstrap_servers: b:9092
                """, Map.of());

        assertThat(errors(result)).containsExactly(
                at("3:3: kafka.bootstrap_servers: is set twice (first on line 2)"));
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        Path missing = folder.resolve("missing.yaml");

        LoadResult result = ConfigLoader.load(missing, Map.of());

        assertThat(result.config()).isNull();
        assertThat(result.errors()).extracting(ConfigError::toString)
                .containsExactly(missing + ": cannot read the file: NoSuchFileException");
    }

    @Test
    void errorsNameTheFileAsTheUserGaveIt() throws IOException {
        Path written = Files.writeString(folder.resolve("agent.yaml"), "kafka: {}\n");
        Path relative = Path.of("").toAbsolutePath().relativize(written);

        LoadResult result = ConfigLoader.load(relative, Map.of());

        assertThat(result.errors()).extracting(ConfigError::toString)
                .containsExactly(relative + ":1:1: kafka: missing required setting \"bootstrap_servers\"");
    }
}
