package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonBufferTest {
    private static final JsonFactory JACKSON = new JsonFactory();

    @Test
    void writesNestedObjectsArraysNumbersAndNulls() {
        JsonBuffer json = new JsonBuffer();
        json.startObject();
        json.stringField("a", "x");
        json.nullField(JsonBuffer.encodedName("b"));
        json.encodedField(JsonBuffer.encodedName("c"), "23".getBytes(StandardCharsets.US_ASCII));
        json.stringField(JsonBuffer.encodedName("q\"uoted"), "y");
        json.encodedField(JsonBuffer.encodedName("t"), JsonBuffer.encodedString("tab\t"));
        json.startObjectField("d");
        json.startObjectField("e@1");
        json.startArrayField("f");
        json.arrayString("1");
        json.arrayString(null);
        json.endArray();
        json.stringField("g", null);
        json.endObject();
        json.startObjectField("h");
        json.endObject();
        json.endObject();
        json.stringField("i", "");
        json.endObject();

        assertThat(text(json.toByteArray())).isEqualTo("{\"a\":\"x\",\"b\":null,\"c\":23,\"q\\\"uoted\":\"y\",\"t\":\"tab\\t\","
                + "\"d\":{\"e@1\":{\"f\":[\"1\",null],\"g\":null},\"h\":{}},\"i\":\"\"}");
    }

    @Test
    void escapesEveryControlCharacterQuoteAndBackslashAsJacksonDoes() throws IOException {
        StringBuilder ascii = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            ascii.append(c);
        }

        assertThat(text(written(ascii.toString()))).isEqualTo(text(jackson(ascii.toString())));
        assertThat(text(written("tab\there \"quoted\" back\\slash\u0001")))
                .isEqualTo("{\"s\":\"tab\\there \\\"quoted\\\" back\\\\slash\\u0001\"}");
    }

    @Test
    void encodesAnyTextAsUtf8ByteForByteAsJacksonDoes() throws IOException {
        Random random = new Random(8259L);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int length = random.nextInt(40); length > 0; length--) {
                switch (random.nextInt(6)) {
                    case 0 -> text.append((char) random.nextInt(0x80));
                    case 1 -> text.append((char) (0x80 + random.nextInt(0x780)));
                    case 2 -> text.append((char) (0x800 + random.nextInt(0xD800 - 0x800)));
                    case 3 -> text.append((char) (0xE000 + random.nextInt(0x10000 - 0xE000)));
                    case 4 -> text.append((char) (0xD800 + random.nextInt(0x800)));
                    default -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
                }
            }
            String value = text.toString();
            assertThat(written(value)).as("%s", value.codePoints().toArray()).isEqualTo(jackson(value));
        }
    }

    @Test
    void escapesSurrogatesPairedOrNotSoTheBytesAreAlwaysValidUtf8() {
        assertThat(text(written("a\uD83D\uDE00b\uD800c\uDC00")))
                .isEqualTo("{\"s\":\"a\\uD83D\\uDE00b\\uD800c\\uDC00\"}");
    }

    @Test
    void aNewObjectDropsWhatAnUnfinishedOneLeft() {
        JsonBuffer json = new JsonBuffer();
        json.startObject();
        json.stringField("left", "behind");
        json.startObject();
        json.encodedField(JsonBuffer.encodedName("n"), JsonBuffer.encodedString("1"));
        json.endObject();

        assertThat(text(json.toByteArray())).isEqualTo("{\"n\":\"1\"}");
    }

    @Test
    void growsPastTheRetainedSizeForLongTextAndKeepsItWhole() {
        String value = "é".repeat(200_000) + "\u0000".repeat(1_000);
        String expected = "{\"s\":\"" + "é".repeat(200_000) + "\\u0000".repeat(1_000) + "\"}";
        JsonBuffer json = new JsonBuffer();
        for (int round = 0; round < 2; round++) {
            json.startObject();
            json.stringField("s", value);
            json.endObject();
            assertThat(text(json.toByteArray())).isEqualTo(expected);
        }
        json.startObject();
        json.endObject();
        assertThat(text(json.toByteArray())).isEqualTo("{}");
    }

    private static byte[] written(String value) {
        JsonBuffer json = new JsonBuffer();
        json.startObject();
        json.stringField("s", value);
        json.endObject();
        return json.toByteArray();
    }

    private static byte[] jackson(String value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JACKSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("s", value);
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
