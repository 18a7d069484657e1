package io.tributary.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Position;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PositionTextTest {

    @Test
    void whatListPrintsIsWhatSetTakesBackEvenWithCommasAndEqualsSignsInValues() {
        Position position = Position.of(Map.of("offset", "4052", "path", "/var/log/a,b=c\\d.log", "dev", "2049"));

        String text = PositionText.format(position);

        assertThat(text).isEqualTo("dev=2049,offset=4052,path=/var/log/a\\,b\\=c\\\\d.log");
        assertThat(PositionText.parse(text)).isEqualTo(position);
    }

    @Test
    void anEmptyValueIsAValue() {
        assertThat(PositionText.parse("updated_at=,id=42")).isEqualTo(Position.of(Map.of("updated_at", "", "id", "42")));
    }

    @Test
    void textThatIsNotNameEqualsValueIsRefusedWithTheFormToUse() {
        for (String text : new String[] {"", "next", "next=1,", "=1", "next=1,,id=2"}) {
            assertThatThrownBy(() -> PositionText.parse(text)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("must be NAME=VALUE[,NAME=VALUE...] as checkpoints list prints it, got \"" + text + "\"");
        }
        assertThatThrownBy(() -> PositionText.parse("next=1,next=2")).hasMessage("names the field \"next\" twice: \"next=1,next=2\"");
    }
}
