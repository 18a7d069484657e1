package io.tributary.agent.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.api.Position;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stored form of checkpoints in the offsets topic, readable with any console consumer.
 * Key: {@code ["agent-id","source","stream"]}. Value: {@code {"version":1,"position":{"offset":"42"}}};
 * a null value (tombstone) forgets the stream. The version lets a later agent read what an older one
 * wrote, and refuse what a newer one wrote instead of misreading it.
 */
public final class CheckpointCodec {
    static final int VERSION = 1;
    private static final ObjectMapper json = new ObjectMapper();

    private CheckpointCodec() {
    }

    /**
     * Encodes and decodes a key and a value once: Jackson builds its serialisers and deserialisers on
     * first use, which is worth doing ahead, beside other start-up work.
     */
    public static void preinitialise() {
        decodeKey(encodeKey(new CheckpointKey("agent", "source", "stream")));
        decodeValue(encodeValue(Position.of("offset", 0L)));
    }

    public static byte[] encodeKey(CheckpointKey key) {
        ArrayNode array = json.createArrayNode().add(key.agentId()).add(key.source()).add(key.stream());
        return write(array);
    }

    /** The value for a position; null (a tombstone) for a forgotten stream. */
    public static byte[] encodeValue(Position position) {
        if (position == null) {
            return null;
        }
        ObjectNode node = json.createObjectNode().put("version", VERSION);
        ObjectNode fields = node.putObject("position");
        position.fields().forEach(fields::put);
        return write(node);
    }

    /** @throws CorruptCheckpointException when the bytes are not a checkpoint key */
    public static CheckpointKey decodeKey(byte[] bytes) {
        JsonNode node = read(bytes, "key");
        if (!node.isArray() || node.size() != 3 || !node.get(0).isTextual() || !node.get(1).isTextual() || !node.get(2).isTextual()) {
            throw new CorruptCheckpointException("key is not [\"agent\",\"source\",\"stream\"]");
        }
        return new CheckpointKey(node.get(0).asText(), node.get(1).asText(), node.get(2).asText());
    }

    /** @throws CorruptCheckpointException when the bytes are not a checkpoint value of a known version */
    public static Position decodeValue(byte[] bytes) {
        JsonNode node = read(bytes, "value");
        JsonNode version = node.get("version");
        if (version == null || !version.canConvertToInt()) {
            throw new CorruptCheckpointException("value has no version");
        }
        if (version.asInt() != VERSION) {
            throw new CorruptCheckpointException("value has version " + version.asInt()
                    + ", this agent reads version " + VERSION + " (written by a newer Tributary?)");
        }
        JsonNode position = node.get("position");
        if (position == null || !position.isObject()) {
            throw new CorruptCheckpointException("value has no position object");
        }
        Map<String, String> fields = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = position.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw new CorruptCheckpointException("position field \"" + field.getKey() + "\" is not a string");
            }
            fields.put(field.getKey(), field.getValue().asText());
        }
        return Position.of(fields);
    }

    private static byte[] write(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(byte[] bytes, String what) {
        if (bytes == null) {
            throw new CorruptCheckpointException(what + " is null");
        }
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new CorruptCheckpointException(what + " is not JSON");
        }
    }
}
