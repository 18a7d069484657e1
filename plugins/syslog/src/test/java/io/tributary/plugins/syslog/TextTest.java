package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void aSliceIsTheUtf8TextOfItsBytesAndGivesBackWhatEncodingThatTextGives() {
        Random random = new Random(5424L);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int j = 0; j < bytes.length; j++) {
                // Mostly ASCII, with some bytes of multi-byte sequences, valid or not.
                bytes[j] = (byte) (random.nextInt(8) == 0 ? 0x80 + random.nextInt(0x80) : random.nextInt(0x80));
            }
            int start = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            int end = start + random.nextInt(bytes.length - start + 1);
            Text text = Text.slice(bytes, start, end);
            String expected = new String(bytes, start, end - start, StandardCharsets.UTF_8);

            assertThat(text.toString()).as(Arrays.toString(bytes)).isEqualTo(expected);
            assertThat(text.utf8()).as(Arrays.toString(bytes)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aStringIsKeptAsItIs() {
        Text text = Text.of("2024-05-01T12:00:00+02:00 é \uD83D\uDE00");

        assertThat(text.isSlice()).isFalse();
        assertThat(text.toString()).isEqualTo("2024-05-01T12:00:00+02:00 é \uD83D\uDE00");
        assertThat(text.utf8()).isEqualTo("2024-05-01T12:00:00+02:00 é \uD83D\uDE00".getBytes(StandardCharsets.UTF_8));
        assertThat(Text.of(null)).isNull();
        assertThat(Text.string(null)).isNull();
    }
}
