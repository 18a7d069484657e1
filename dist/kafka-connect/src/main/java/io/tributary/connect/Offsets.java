package io.tributary.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.api.Position;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tributary checkpoints as Connect source offsets. A part of a source is one source partition,
 * {@code {"source": NAME, "part": PART}}; its offset maps each of the part's streams to its position
 * as JSON ({@code {"orders": "{\"id\":\"42\"}"}}), the form the agent stores, so an operator reads
 * it in Connect's offsets topic or with {@code GET /connectors/NAME/offsets}.
 */
final class Offsets {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {
    };

    private Offsets() {
    }

    /**
     * A part's source partition, its keys always in one order: Connect keys offsets by the partition's
     * JSON, so a map whose order differs between JVMs (as {@code Map.of}'s does) would lose them
     * when the task moves to another worker.
     */
    static Map<String, String> partition(String source, String part) {
        Map<String, String> partition = new TreeMap<>();
        partition.put("part", part);
        partition.put("source", source);
        return Collections.unmodifiableMap(partition);
    }

    static String write(Position position) {
        try {
            return JSON.writeValueAsString(position.fields());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + position + " as JSON", e);
        }
    }

    /**
     * The positions of a part's offset.
     *
     * @throws IllegalStateException when it is not what {@link #write} wrote: a checkpoint that cannot
     *                               be read is an error, never a silent restart from the beginning
     */
    static Map<String, Position> positions(Map<String, ?> offset) {
        Map<String, Position> positions = new HashMap<>();
        if (offset == null) {
            return positions;
        }
        offset.forEach((stream, value) -> {
            try {
                positions.put(stream, Position.of(JSON.readValue(String.valueOf(value), FIELDS)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the offset of stream \"" + stream + "\" is not a Tributary position: " + value, e);
            }
        });
        return positions;
    }
}
