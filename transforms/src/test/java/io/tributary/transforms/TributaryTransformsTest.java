package io.tributary.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Test;

/** Each of Tributary's own transforms as a Connect worker would run it: configured from strings. */
class TributaryTransformsTest {

    private static SourceRecord record(Object value) {
        return new SourceRecord(null, null, "logs", null, null, null, null, value, 1000L);
    }

    private static <T extends Transformation<SourceRecord>> T configured(T transform, Map<String, String> configs) {
        transform.configure(configs);
        return transform;
    }

    @Test
    void parseJsonKeepsOrderWholeNumbersAndExactDecimals() {
        ParseJson<SourceRecord> parse = configured(new ParseJson<>(), Map.of());
        Object value = parse.apply(record("{\"b\":1,\"a\":[true,null,2.5],\"price\":0.1000000000000000055511151231257827,\"big\":123456789012345678901}"
                .getBytes(StandardCharsets.UTF_8))).value();
        assertThat(value).isEqualTo(Map.of("b", 1L, "a", java.util.Arrays.asList(true, null, 2.5),
                "price", new BigDecimal("0.1000000000000000055511151231257827"), "big", new BigInteger("123456789012345678901")));
        assertThat(List.copyOf(((Map<?, ?>) value).keySet())).isEqualTo(List.of("b", "a", "price", "big"));
        assertThat(new String(JsonValues.write(value), StandardCharsets.UTF_8))
                .isEqualTo("{\"b\":1,\"a\":[true,null,2.5],\"price\":0.1000000000000000055511151231257827,\"big\":123456789012345678901}");
    }

    @Test
    void parseJsonOfAFieldReplacesItAndLeavesParsedValuesAlone() {
        ParseJson<SourceRecord> parse = configured(new ParseJson<>(), Map.of("field", "message"));
        assertThat(parse.apply(record(Map.of("message", "{\"x\":1}"))).value()).isEqualTo(Map.of("message", Map.of("x", 1L)));
        ParseJson<SourceRecord> whole = configured(new ParseJson<>(), Map.of());
        SourceRecord parsed = record(Map.of("x", 1L));
        assertThat(whole.apply(parsed)).isSameAs(parsed);
        assertThatThrownBy(() -> whole.apply(record("{\"x\":1} trailing"))).isInstanceOf(DataException.class)
                .hasMessageStartingWith("not valid JSON: ");
    }

    @Test
    void parseRegexMakesFieldsOfNamedGroups() {
        ParseRegex<SourceRecord> parse = configured(new ParseRegex<>(),
                Map.of("pattern", "(?<level>[A-Z]+) (?<message>.*?)(?: \\((?<code>\\d+)\\))?"));
        assertThat(parse.apply(record("WARN disk full (28)".getBytes(StandardCharsets.UTF_8))).value())
                .isEqualTo(Map.of("level", "WARN", "message", "disk full", "code", "28"));
        assertThat(parse.apply(record("INFO up")).value()).isEqualTo(Map.of("level", "INFO", "message", "up"));
        assertThatThrownBy(() -> parse.apply(record("lower case"))).isInstanceOf(DataException.class)
                .hasMessageStartingWith("parse_regex: the text does not match");
        ParseRegex<SourceRecord> onField = configured(new ParseRegex<>(),
                Map.of("pattern", "(?<method>\\S+) (?<path>\\S+)", "field", "request", "no_match", "drop"));
        assertThat(onField.apply(record(Map.of("request", "GET /")))).extracting(SourceRecord::value)
                .isEqualTo(Map.of("request", "GET /", "method", "GET", "path", "/"));
        assertThat(onField.apply(record(Map.of("request", "nonsense")))).isNull();
    }

    @Test
    void filterKeepsOrDropsByARegexOnTheValueOrAField() {
        Filter<SourceRecord> keepErrors = configured(new Filter<>(), Map.of("pattern", "^(ERROR|WARN)", "action", "keep"));
        assertThat(keepErrors.apply(record("ERROR x".getBytes(StandardCharsets.UTF_8)))).isNotNull();
        assertThat(keepErrors.apply(record("DEBUG x"))).isNull();
        Filter<SourceRecord> dropDebug = configured(new Filter<>(), Map.of("pattern", "debug", "field", "log.level", "action", "drop"));
        assertThat(dropDebug.apply(record(Map.of("log", Map.of("level", "debug"))))).isNull();
        assertThat(dropDebug.apply(record(Map.of("log.level", "debug")))).isNull();
        assertThat(dropDebug.apply(record(Map.of("log", Map.of("level", "info"))))).isNotNull();
        assertThat(dropDebug.apply(record(Map.of("other", 1)))).isNotNull();
        assertThatThrownBy(() -> new Filter<SourceRecord>().configure(Map.of("pattern", "x"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("action");
    }

    @Test
    void timestampComesFromAFieldInEachFormat() {
        assertThat(configured(new TimestampFromField<>(), Map.of("field", "t"))
                .apply(record(Map.of("t", "2024-05-01T14:00:00+02:00"))).timestamp()).isEqualTo(1_714_564_800_000L);
        assertThat(configured(new TimestampFromField<>(), Map.of("field", "t", "timezone", "Europe/Berlin"))
                .apply(record(Map.of("t", "2024-05-01T14:00:00"))).timestamp()).isEqualTo(1_714_564_800_000L);
        assertThat(configured(new TimestampFromField<>(), Map.of("field", "t", "format", "epoch_seconds"))
                .apply(record(Map.of("t", 1_714_564_800.5))).timestamp()).isEqualTo(1_714_564_800_500L);
        assertThat(configured(new TimestampFromField<>(), Map.of("field", "t", "format", "epoch_millis"))
                .apply(record(Map.of("t", 1_714_564_800_000L))).timestamp()).isEqualTo(1_714_564_800_000L);
        assertThat(configured(new TimestampFromField<>(), Map.of("field", "t", "format", "dd/MMM/yyyy:HH:mm:ss Z"))
                .apply(record(Map.of("t", "01/May/2024:12:00:00 +0000"))).timestamp()).isEqualTo(1_714_564_800_000L);
        TimestampFromField<SourceRecord> iso = configured(new TimestampFromField<>(), Map.of("field", "t"));
        assertThatThrownBy(() -> iso.apply(record(Map.of("t", "yesterday")))).isInstanceOf(DataException.class)
                .hasMessageStartingWith("timestamp: field t is not a time in format iso8601: ");
        assertThatThrownBy(() -> iso.apply(record(Map.of()))).hasMessage("timestamp: the value has no field t");
    }

    @Test
    void addFieldsSetsHostAgentAndSourceWhereTold() {
        AddFields<SourceRecord> add = configured(new AddFields<>(), Map.of("agent_id_field", "agent.id", "source_field", "source",
                AddFields.AGENT_ID_CONFIG, "edge-1", AddFields.SOURCE_NAME_CONFIG, "app"));
        assertThat(add.apply(record(Map.of("msg", "hi"))).value())
                .isEqualTo(Map.of("msg", "hi", "agent", Map.of("id", "edge-1"), "source", "app"));
        assertThatThrownBy(() -> new AddFields<SourceRecord>().configure(Map.of("source_field", "source")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("outside the agent set tributary.source.name");
        assertThatThrownBy(() -> add.apply(record("text"))).isInstanceOf(DataException.class)
                .hasMessage("add_fields needs the value to be a JSON object (value_format: json, or parse_json first), got String");
    }

    @Test
    void everyTypeIsListedByItsName() {
        assertThat(TributaryTransforms.transformTypes()).containsExactly("add_fields", "filter", "parse_json", "parse_regex", "timestamp");
        assertThat(TributaryTransforms.predicateTypes()).isEqualTo(List.of("matches"));
    }
}
