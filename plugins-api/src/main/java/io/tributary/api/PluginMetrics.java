package io.tributary.api;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Metrics a plugin publishes on the agent's {@code /metrics}. Names are dotted lower case
 * ({@code file.deleted_open.bytes}); the agent prefixes {@code tributary.} and adds the tags of the
 * source or interceptor. Asking twice for the same name returns the same counter.
 */
public interface PluginMetrics {

    /** A monotonically increasing count. */
    default Counter counter(String name, String description) {
        return counter(name, description, Map.of());
    }

    /**
     * A monotonically increasing count with tags of its own besides the plugin's, e.g.
     * {@code {"topic": "logs"}}; each distinct set of values is a separate series, so keep the values few.
     */
    Counter counter(String name, String description, Map<String, String> tags);

    /** A value read on every scrape; {@code value} must be cheap and thread-safe. */
    void gauge(String name, String description, Supplier<Number> value);

    /** A count that only goes up. Thread-safe. */
    interface Counter {
        void increment(long amount);

        default void increment() {
            increment(1);
        }
    }
}
