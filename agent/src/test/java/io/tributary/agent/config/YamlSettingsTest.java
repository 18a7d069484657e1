package io.tributary.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class YamlSettingsTest {

    private static List<String> errorsAfter(String yaml, Consumer<Settings> readSource) {
        YamlSettings settings = YamlSettings.parse(yaml, Map.of());
        readSource.accept(settings.getSection("source"));
        return settings.finish().stream().map(ConfigError::toString).toList();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("max_line_bytes: lots", (Consumer<Settings>) s -> s.getSize("max_line_bytes", 1),
                        "<settings>:2:3: source.max_line_bytes: must be a size like 1MiB, got \"lots\""),
                Arguments.of("max_line_bytes: -1MiB", (Consumer<Settings>) s -> s.getSize("max_line_bytes", 1),
                        "<settings>:2:3: source.max_line_bytes: must be a size like 1MiB, got \"-1MiB\""),
                Arguments.of("poll_interval: soon", (Consumer<Settings>) s -> s.getDuration("poll_interval", null),
                        "<settings>:2:3: source.poll_interval: must be a duration like 250ms, 5s or 1m, got \"soon\""),
                Arguments.of("read_from: start",
                        (Consumer<Settings>) s -> s.getChoice("read_from", "end", "beginning", "end"),
                        "<settings>:2:3: source.read_from: must be one of beginning, end, got \"start\""),
                Arguments.of("port: x", (Consumer<Settings>) s -> s.getInt("port", 0),
                        "<settings>:2:3: source.port: must be an integer, got \"x\""),
                Arguments.of("port: 1.5", (Consumer<Settings>) s -> s.getLong("port", 0),
                        "<settings>:2:3: source.port: must be an integer, got \"1.5\""),
                Arguments.of("port: 3000000000", (Consumer<Settings>) s -> s.getInt("port", 0),
                        "<settings>:2:3: source.port: must be an integer from -2147483648 to 2147483647, got \"3000000000\""),
                Arguments.of("headers: yes", (Consumer<Settings>) s -> s.getBoolean("headers", true),
                        "<settings>:2:3: source.headers: must be true or false, got \"yes\""),
                Arguments.of("pattern: \"a(b\"", (Consumer<Settings>) s -> s.getPattern("pattern"),
                        "<settings>:2:3: source.pattern: is not a valid regular expression: Unclosed group near index 3"),
                Arguments.of("include: {a: b}", (Consumer<Settings>) s -> s.getStringList("include", List.of()),
                        "<settings>:2:3: source.include: must be a list of strings"),
                Arguments.of("include: [a, [b]]", (Consumer<Settings>) s -> s.getStringList("include", List.of()),
                        "<settings>:2:3: source.include: must be a list of strings"),
                Arguments.of("add: [a, b]", (Consumer<Settings>) s -> s.getStringMap("add"),
                        "<settings>:2:3: source.add: must be a map"),
                Arguments.of("multiline: on", (Consumer<Settings>) s -> s.getSection("multiline"),
                        "<settings>:2:3: source.multiline: must be a map"),
                Arguments.of("add: {host: [a]}", (Consumer<Settings>) s -> s.getStringMap("add"),
                        "<settings>:2:9: source.add.host: must be a string, got a list"),
                Arguments.of("topic: [a]", (Consumer<Settings>) s -> s.getString("topic", null),
                        "<settings>:2:3: source.topic: must be a string, got a list"),
                Arguments.of("port: {a: 1}", (Consumer<Settings>) s -> s.getInt("port", 0),
                        "<settings>:2:3: source.port: must be an integer, got a map"),
                Arguments.of("topic: \"\"", (Consumer<Settings>) s -> s.getRequiredString("topic"),
                        "<settings>:2:3: source.topic: must not be empty"),
                Arguments.of("topic:", (Consumer<Settings>) s -> s.getRequiredString("topic"),
                        "<settings>:2:3: source.topic: must not be empty"),
                Arguments.of("other: 1", (Consumer<Settings>) s -> {
                            s.has("other");
                            s.getRequiredString("topic");
                        },
                        "<settings>:1:1: source: missing required setting \"topic\""),
                Arguments.of("includ: x", (Consumer<Settings>) s -> s.getStringList("include", List.of()),
                        "<settings>:2:3: source.includ: unknown setting, did you mean \"include\"?"),
                Arguments.of("colour: red", (Consumer<Settings>) s -> s.getString("topic", null),
                        "<settings>:2:3: source.colour: unknown setting"),
                Arguments.of("topic: a\n  topic: b", (Consumer<Settings>) s -> s.getString("topic", null),
                        "<settings>:3:3: source.topic: is set twice (first on line 2)"),
                Arguments.of("path: \"a\\u0000b\"", (Consumer<Settings>) s -> s.getPath("path", null),
                        "<settings>:2:3: source.path: must be a path, got \"a\u0000b\""),
                Arguments.of("topic: t", (Consumer<Settings>) s -> s.error("topic", "is not allowed with mode: raw"),
                        "<settings>:2:3: source.topic: is not allowed with mode: raw"),
                Arguments.of("topic: t", (Consumer<Settings>) s -> {
                            s.getString("topic", null);
                            s.error("key", "needs topic to be keyed");
                        },
                        "<settings>:1:1: source.key: needs topic to be keyed"),
                Arguments.of("topic: t", (Consumer<Settings>) s -> {
                            s.getString("topic", null);
                            s.error(null, "is broken");
                        },
                        "<settings>:1:1: source: is broken"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void reportsABadValueWithFileLineColumnAndPath(String entry, Consumer<Settings> read, String expectedError) {
        assertThat(errorsAfter("source:\n  " + entry + "\n", read)).containsExactly(expectedError);
    }

    @Test
    void gettersReturnTypedValues() {
        YamlSettings settings = YamlSettings.parse("""
                topic: logs.app
                port: 5514
                offset: 9000000000
                headers: false
                max_line_bytes: 512KiB
                poll_interval: 250ms
                read_from: beginning
                pattern: "^\\\\d+ "
                include: ["/var/log/*.log", "/tmp/x.log"]
                exclude: /var/log/skip.log
                add: {host: web-1, port: 80}
                multiline: {max_lines: 3}
                data: /var/lib/x
                """, Map.of());

        assertThat(settings.getString("topic", null)).isEqualTo("logs.app");
        assertThat(settings.getRequiredString("topic")).isEqualTo("logs.app");
        assertThat(settings.getInt("port", 0)).isEqualTo(5514);
        assertThat(settings.getLong("offset", 0)).isEqualTo(9_000_000_000L);
        assertThat(settings.getBoolean("headers", true)).isFalse();
        assertThat(settings.getSize("max_line_bytes", 0)).isEqualTo(512 * 1024);
        assertThat(settings.getDuration("poll_interval", null)).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.getChoice("read_from", "end", "beginning", "end")).isEqualTo("beginning");
        assertThat(settings.getPattern("pattern").pattern()).isEqualTo("^\\d+ ");
        assertThat(settings.getStringList("include", List.of())).containsExactly("/var/log/*.log", "/tmp/x.log");
        assertThat(settings.getStringList("exclude", List.of())).containsExactly("/var/log/skip.log");
        assertThat(settings.getStringMap("add")).containsExactly(Map.entry("host", "web-1"), Map.entry("port", "80"));
        assertThat(settings.getSection("multiline").getInt("max_lines", 0)).isEqualTo(3);
        assertThat(settings.getSection("multiline").path()).isEqualTo("multiline");
        assertThat(settings.getPath("data", null)).isEqualTo(Path.of("/var/lib/x"));
        assertThat(settings.finish()).isEmpty();
    }

    @Test
    void absentAndNullKeysGiveTheDefault() {
        YamlSettings settings = YamlSettings.parse("topic: ~\nport:\n", Map.of());

        assertThat(settings.has("topic")).isFalse();
        assertThat(settings.has("missing")).isFalse();
        assertThat(settings.getString("topic", "default")).isEqualTo("default");
        assertThat(settings.getInt("port", 7)).isEqualTo(7);
        assertThat(settings.getSize("max_line_bytes", 1024)).isEqualTo(1024);
        assertThat(settings.getDuration("poll_interval", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.getPattern("pattern")).isNull();
        assertThat(settings.getStringList("include", List.of("x"))).containsExactly("x");
        assertThat(settings.getStringMap("add")).isEmpty();
        assertThat(settings.getSection("multiline").has("max_lines")).isFalse();
        assertThat(settings.getSection("multiline").path()).isEqualTo("multiline");
        assertThat(settings.finish()).isEmpty();
    }

    @Test
    void aBadValueGivesTheDefault() {
        YamlSettings settings = YamlSettings.parse("port: x\n", Map.of());

        assertThat(settings.getInt("port", 7)).isEqualTo(7);
        assertThat(settings.errors()).hasSize(1);
    }

    @Test
    void relativePathsResolveAgainstTheCurrentDirectoryForStandaloneSettings() {
        YamlSettings settings = YamlSettings.parse("data: state\n", Map.of());

        assertThat(settings.getPath("data", null)).isEqualTo(Path.of("state").toAbsolutePath());
        assertThat(settings.getPath("other", Path.of("fallback"))).isEqualTo(Path.of("fallback").toAbsolutePath());
    }

    @Test
    void unknownKeysAreReportedInsideSectionsReadAndSuggestKeysReadThere() {
        YamlSettings settings = YamlSettings.parse("""
                topic: t
                multiline:
                  max_lines: 3
                  patern: x
                tpoic: u
                """, Map.of());
        settings.getString("topic", null);
        Settings multiline = settings.getSection("multiline");
        multiline.getInt("max_lines", 0);
        multiline.getPattern("pattern");

        assertThat(settings.finish()).extracting(ConfigError::toString).containsExactly(
                "<settings>:4:3: multiline.patern: unknown setting, did you mean \"pattern\"?",
                "<settings>:5:1: tpoic: unknown setting, did you mean \"topic\"?");
    }

    @Test
    void finishReportsUnknownKeysOnce() {
        YamlSettings settings = YamlSettings.parse("colour: red\n", Map.of());

        assertThat(settings.finish()).hasSize(1);
        assertThat(settings.finish()).hasSize(1);
        assertThat(settings.errors()).hasSize(1);
    }

    @Test
    void asMapReturnsPlainValuesAndMarksEveryKeyKnown() {
        YamlSettings settings = YamlSettings.parse("""
                audit_topic: audit
                retries: 3
                big: 9000000000
                ratio: 0.5
                enabled: true
                quoted: "42"
                nothing: ~
                list: [a, 1]
                nested: {key: value, deeper: {n: 2}}
                from_env: ${RETRIES}
                """, Map.of("RETRIES", "5"));
        settings.getSection("nested");

        Map<String, Object> map = settings.asMap();

        assertThat(map).containsExactly(
                Map.entry("audit_topic", "audit"),
                Map.entry("retries", 3),
                Map.entry("big", 9_000_000_000L),
                Map.entry("ratio", 0.5),
                Map.entry("enabled", true),
                Map.entry("quoted", "42"),
                entryWithNullValue("nothing"),
                Map.entry("list", List.of("a", 1)),
                Map.entry("nested", Map.of("key", "value", "deeper", Map.of("n", 2))),
                Map.entry("from_env", "5"));
        assertThat(settings.finish()).isEmpty();
    }

    private static Map.Entry<String, Object> entryWithNullValue(String key) {
        return new java.util.AbstractMap.SimpleEntry<>(key, null);
    }

    @Test
    void toStringNamesKeysButNoValues() {
        YamlSettings settings = YamlSettings.parse("user: admin\npassword: ${PASSWORD}\n",
                Map.of("PASSWORD", "hunter2"));

        assertThat(settings.toString()).isEqualTo("YamlSettings[<settings>, keys=[user, password]]");
        assertThat(settings.getSection("x").toString()).isEqualTo("YamlSettings[<settings> x, keys=[]]");
    }

    @Test
    void invalidYamlThrowsWithItsLine() {
        assertThatThrownBy(() -> YamlSettings.parse("topic: t\n  bad: [\n", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("<settings>:2:");
    }

    @Test
    void aYamlDocumentThatIsNotAMapIsAnError() {
        YamlSettings settings = YamlSettings.parse("- a\n- b\n", Map.of());

        assertThat(settings.finish()).extracting(ConfigError::toString)
                .containsExactly("<settings>:1:1: must be a map");
    }
}
