package io.tributary.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SubstitutionTest {

    private static final Map<String, String> ENVIRONMENT = Map.of(
            "NODE", "node-7", "EMPTY", "", "PORT", "5514", "HOSTNAME", "from-env");

    @TempDir
    Path folder;

    static Stream<Arguments> substitutions() {
        return Stream.of(
                Arguments.of("${NODE}", "node-7"),
                Arguments.of("id-${NODE}-x", "id-node-7-x"),
                Arguments.of("${NODE}${PORT}", "node-75514"),
                Arguments.of("${MISSING:-fallback}", "fallback"),
                Arguments.of("${EMPTY:-fallback}", "fallback"),
                Arguments.of("${NODE:-fallback}", "node-7"),
                Arguments.of("${MISSING:-}", ""),
                Arguments.of("${EMPTY}", ""),
                Arguments.of("${HOSTNAME}", "from-env"),
                Arguments.of("$${NODE}", "${NODE}"),
                Arguments.of("cost: $5 and $${", "cost: $5 and ${"),
                Arguments.of("no references", "no references"));
    }

    @ParameterizedTest
    @MethodSource("substitutions")
    void substitutesTheEnvironment(String written, String value) {
        YamlSettings settings = YamlSettings.parse("value: '" + written + "'\n", ENVIRONMENT);

        assertThat(settings.getString("value", null)).isEqualTo(value);
        assertThat(settings.finish()).isEmpty();
    }

    @Test
    void hostnameFallsBackToTheMachinesHostNameWhenUnset() throws Exception {
        YamlSettings settings = YamlSettings.parse("id: ${HOSTNAME}\n", Map.of());

        assertThat(settings.getString("id", null)).isEqualTo(InetAddress.getLocalHost().getHostName());
    }

    @Test
    void substitutedNumbersAreReadByTypedGetters() {
        YamlSettings settings = YamlSettings.parse("port: ${PORT}\nlimit: ${LIMIT:-1MiB}\n", ENVIRONMENT);

        assertThat(settings.getInt("port", 0)).isEqualTo(5514);
        assertThat(settings.getSize("limit", 0)).isEqualTo(1 << 20);
    }

    @Test
    void fileReferencesReadTheTrimmedContents() throws Exception {
        Path secret = Files.writeString(folder.resolve("password"), "  s3cret\n");
        YamlSettings settings = YamlSettings.parse("password: ${file:" + secret + "}\n", Map.of());

        assertThat(settings.getString("password", null)).isEqualTo("s3cret");
        assertThat(settings.finish()).isEmpty();
    }

    @Test
    void substitutesInsideListsAndMaps() {
        YamlSettings settings = YamlSettings.parse("include: [\"/logs/${NODE}/*.log\"]\nadd: {node: \"${NODE}\"}\n",
                ENVIRONMENT);

        assertThat(settings.getStringList("include", List.of())).containsExactly("/logs/node-7/*.log");
        assertThat(settings.getStringMap("add")).containsExactly(Map.entry("node", "node-7"));
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("id: ${NOPE}",
                        "<settings>:2:3: agent.id: environment variable \"NOPE\" is not set"),
                Arguments.of("password: ${file:/nonexistent/tributary/secret}",
                        "<settings>:2:3: agent.password: cannot read file \"/nonexistent/tributary/secret\": NoSuchFileException"),
                Arguments.of("password: ${file:}",
                        "<settings>:2:3: agent.password: \"${file:}\" needs a path, like ${file:/etc/tributary/password}"),
                Arguments.of("id: ${NODE",
                        "<settings>:2:3: agent.id: unclosed \"${\"; write \"$${\" for a literal \"${\""),
                Arguments.of("id: ${not a name}",
                        "<settings>:2:3: agent.id: \"${not a name}\" is not a valid reference; use ${NAME}, ${NAME:-default} or ${file:PATH}"),
                Arguments.of("include: [a, \"${NOPE}\"]",
                        "<settings>:2:16: agent.include[1]: environment variable \"NOPE\" is not set"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void aReferenceThatCannotBeResolvedIsAnErrorAtItsScalar(String entry, String expectedError) {
        YamlSettings settings = YamlSettings.parse("agent:\n  " + entry + "\n", ENVIRONMENT);

        assertThat(settings.errors()).extracting(ConfigError::toString).containsExactly(expectedError);
    }

    @Test
    void aFailedReferenceIsReportedOnceAndTheGetterGivesItsDefault() {
        YamlSettings settings = YamlSettings.parse("id: ${NOPE}\nport: ${NOPE}\n", Map.of());

        assertThat(settings.getString("id", "default")).isEqualTo("default");
        assertThat(settings.getRequiredString("id")).isNull();
        assertThat(settings.getInt("port", 1)).isEqualTo(1);
        assertThat(settings.finish()).extracting(ConfigError::toString).containsExactly(
                "<settings>:1:1: id: environment variable \"NOPE\" is not set",
                "<settings>:2:1: port: environment variable \"NOPE\" is not set");
    }

    @Test
    void errorsQuoteTheTextAsWrittenNeverTheSubstitutedSecret() throws Exception {
        String secret = "hunter2-secret";
        Path secretFile = Files.writeString(folder.resolve("secret"), secret);
        YamlSettings settings = YamlSettings.parse(
                "port: ${SECRET}\n"
                        + "size: ${file:" + secretFile + "}\n"
                        + "duration: ${SECRET}\n"
                        + "enabled: ${SECRET}\n"
                        + "mode: ${SECRET}\n"
                        + "pattern: \"(${SECRET}\"\n"
                        + "id: x-${SECRET}\n",
                Map.of("SECRET", secret));

        settings.getInt("port", 0);
        settings.getSize("size", 0);
        settings.getDuration("duration", null);
        settings.getBoolean("enabled", false);
        settings.getChoice("mode", "a", "a", "b");
        settings.getPattern("pattern");
        settings.error("id", "is wrong");
        List<String> errors = settings.finish().stream().map(ConfigError::toString).toList();

        assertThat(errors).containsExactly(
                "<settings>:1:1: port: must be an integer, got \"${SECRET}\"",
                "<settings>:2:1: size: must be a size like 1MiB, got \"${file:" + secretFile + "}\"",
                "<settings>:3:1: duration: must be a duration like 250ms, 5s or 1m, got \"${SECRET}\"",
                "<settings>:4:1: enabled: must be true or false, got \"${SECRET}\"",
                "<settings>:5:1: mode: must be one of a, b, got \"${SECRET}\"",
                "<settings>:6:1: pattern: is not a valid regular expression: Unclosed group near index 15",
                "<settings>:7:1: id: is wrong");
        assertThat(errors).noneMatch(error -> error.contains(secret));
        assertThat(settings.toString()).doesNotContain(secret);
    }
}
