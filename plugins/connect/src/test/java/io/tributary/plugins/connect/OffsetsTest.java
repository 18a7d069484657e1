package io.tributary.plugins.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Position;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetsTest {
    private final Offsets offsets = new Offsets();

    @Test
    void aPartitionNamesTheSameStreamWhateverTheOrderOfItsKeys() {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("topic", "orders");
        one.put("partition", 3);
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("partition", 3);
        other.put("topic", "orders");
        assertThat(offsets.stream(one)).isEqualTo(offsets.stream(other)).isEqualTo("{\"partition\":3,\"topic\":\"orders\"}");
    }

    @Test
    void anOffsetComesBackWithTheTypesConnectsOwnOffsetStoreGivesBack() {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("position", 42);
        offset.put("big", 1L << 40);
        offset.put("ratio", 0.5);
        offset.put("file", "a.log");
        offset.put("done", true);
        offset.put("ids", List.of(1, 2));
        offset.put("nested", Map.of("b", "x", "a", 1));
        Position position = offsets.position(offset);
        assertThat(position.fields()).containsEntry("position", "42").containsEntry("file", "\"a.log\"")
                .containsEntry("nested", "{\"a\":1,\"b\":\"x\"}");
        assertThat(offsets.offset(position)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "position", 42L, "big", 1L << 40, "ratio", 0.5, "file", "a.log", "done", true,
                "ids", List.of(1L, 2L), "nested", Map.of("a", 1L, "b", "x")));
    }

    @Test
    void noPartitionOrOffsetMeansNoCheckpoint() {
        assertThat(offsets.stream(null)).isNull();
        assertThat(offsets.position(null)).isNull();
    }

    @Test
    void aPositionThisPluginDidNotWriteIsAnErrorNotARestartFromZero() {
        assertThatThrownBy(() -> offsets.offset(Position.of("position", "not json")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("checkpoint field \"position\" is not JSON as the connect source writes it: not json");
    }
}
