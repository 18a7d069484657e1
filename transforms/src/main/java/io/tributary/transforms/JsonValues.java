package io.tributary.transforms;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * JSON text to and from the schemaless values Kafka Connect's {@code JsonConverter} gives with
 * {@code schemas.enable=false}: objects become {@code Map<String, Object>} (keeping the field order),
 * arrays {@code List}, whole numbers {@code Long}, other numbers {@code Double}.
 *
 * <p>Unlike the converter it loses nothing: a number too large for a {@code Long} stays a
 * {@code BigInteger}, and a decimal a {@code Double} cannot hold exactly (a price from a database)
 * stays a {@code BigDecimal}. Writing also takes the {@code Struct}s a schema-aware transform makes.
 */
public final class JsonValues {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper WRITER = new ObjectMapper()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .registerModule(new SimpleModule().addSerializer(Struct.class, new StructSerializer()));

    private JsonValues() {
    }

    /** The value of one JSON text; throws {@link DataException} when it is not exactly one JSON value. */
    public static Object parse(byte[] json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parseAll(parser);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** Like {@link #parse(byte[])}, from text. */
    public static Object parse(String json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parseAll(parser);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** {@code value} as JSON text in UTF-8. */
    public static byte[] write(Object value) {
        try {
            return WRITER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new DataException("cannot write a " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    private static DataException invalid(IOException e) {
        String message = e.getMessage();
        int newline = message == null ? -1 : message.indexOf('\n');
        return new DataException("not valid JSON: " + (newline < 0 ? message : message.substring(0, newline)), e);
    }

    private static Object parseAll(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new DataException("not valid JSON: no value");
        }
        Object value = read(parser, first);
        if (parser.nextToken() != null) {
            throw new DataException("not valid JSON: more follows the value at column " + parser.currentLocation().getColumnNr());
        }
        return value;
    }

    private static Object read(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, read(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(read(parser, next));
                }
                return array;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT -> {
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? parser.getBigIntegerValue() : (Object) parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                BigDecimal exact = parser.getDecimalValue();
                double approximate = exact.doubleValue();
                boolean exactAsDouble = Double.isFinite(approximate) && BigDecimal.valueOf(approximate).compareTo(exact) == 0;
                return exactAsDouble ? (Object) approximate : exact;
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new DataException("not valid JSON: unexpected " + token);
        }
    }

    /** A {@code Struct} as the JSON object of its fields, as a schemaless consumer would want it. */
    private static final class StructSerializer extends JsonSerializer<Struct> {
        @Override
        public void serialize(Struct struct, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeStartObject();
            for (Field field : struct.schema().fields()) {
                generator.writeFieldName(field.name());
                provider.defaultSerializeValue(struct.get(field), generator);
            }
            generator.writeEndObject();
        }
    }
}
