package io.tributary.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.ExtensionPoint;

/**
 * A kind of source a plugin offers, named by the {@code type} key of a source in the YAML file.
 *
 * <p>Implementations are PF4J {@code @Extension}s. The agent calls {@link #create} once per
 * configured source of this type, on its main thread, both when running and when only validating
 * ({@code tributary validate}); so {@code create} reads and checks the settings but opens no file,
 * socket or connection and starts no thread: that belongs in {@link SourceTask#start}.
 */
public interface SourceType extends ExtensionPoint {

    /** The value of {@code type:} that selects this source, e.g. {@code file}. Lower case, stable. */
    String name();

    /**
     * Reads and validates the source's settings and returns a task that is not started yet.
     *
     * <p>Read every key the source accepts through {@code settings}, even those you leave at their
     * default: a key nobody read is reported as unknown. Report problems with
     * {@link Settings#error(String, String)} instead of throwing, so the user sees every error at
     * once. When any error was reported the agent discards the returned task unstarted.
     *
     * <p>The agent reads the keys common to every source itself ({@code type}, {@code on_error},
     * {@code dead_letter_topic}); they are not visible here.
     */
    SourceTask create(Settings settings);

    /**
     * How this source's values look, when the source sets no {@code value_format}: what its
     * {@code transforms:} see. {@link ValueFormat#BYTES} unless overridden; a source whose values are
     * JSON objects returns {@link ValueFormat#JSON}, so that transforms see their fields.
     */
    default ValueFormat valueFormat() {
        return ValueFormat.BYTES;
    }

    /** The name of the one part of a source whose type cannot split it. */
    String WHOLE = "whole";

    /**
     * Splits a source's work into parts that can run apart, each as a source of its own with its own
     * streams and checkpoints: where a source is spread over several tasks, as Tributary's Kafka
     * Connect plugin does up to {@code tasks.max}. Optional: the default keeps the source whole.
     *
     * <p>Each part is the complete settings of a source of this type (with {@code topic} and the
     * rest), and a part's streams must be the streams the whole source would give the same input, so
     * a part's checkpoints stay valid however the parts are later grouped into tasks. Part names are
     * stable and unique, e.g. {@code table:orders}. Called on any thread, possibly before
     * {@link #create}; it must not open anything, and may leave the checking of values to
     * {@link #create} (return the settings whole when they are not what you expect).
     *
     * @param settings the source's settings as plain values, as {@link Settings#asMap()} gives them,
     *                 without the keys the agent reads ({@code type}, {@code on_error}, ...)
     * @return part name → that part's settings, in a stable order; by default one part,
     *         {@value #WHOLE}, holding {@code settings}
     */
    default Map<String, Map<String, Object>> split(Map<String, Object> settings) {
        return Map.of(WHOLE, settings);
    }

    /**
     * A {@link #split} by one list setting: one part per element of {@code settings.get(key)}, each
     * with a list of that element alone, named {@code prefix + element}; the source whole when the
     * list has fewer than two elements or is not a list.
     */
    static Map<String, Map<String, Object>> splitByList(Map<String, Object> settings, String key, String prefix) {
        if (!(settings.get(key) instanceof List<?> elements) || elements.size() < 2) {
            return Map.of(WHOLE, settings);
        }
        Map<String, Map<String, Object>> parts = new LinkedHashMap<>();
        for (Object element : elements) {
            Map<String, Object> part = new LinkedHashMap<>(settings);
            part.put(key, List.of(element));
            parts.put(prefix + element, part);
        }
        return parts;
    }
}
