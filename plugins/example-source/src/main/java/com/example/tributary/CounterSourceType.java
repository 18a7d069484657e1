package com.example.tributary;

import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import java.time.Duration;
import org.pf4j.Extension;

/**
 * The source type {@code counter}: writes {@code count} numbered records to {@code topic}, then
 * idles. Copy this plugin to start your own source.
 *
 * <pre>
 * sources:
 *   numbers:
 *     type: counter
 *     topic: numbers
 *     count: 100
 *     message: "hello {n}"
 *     interval: 1s
 * </pre>
 *
 * <p>{@code @Extension} makes PF4J's annotation processor list this class in
 * {@code META-INF/extensions.idx}; without that file the agent finds no source type in the plugin.
 */
@Extension
public final class CounterSourceType implements SourceType {
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    @Override
    public String name() {
        return "counter";
    }

    /**
     * Runs on the agent's main thread, also for {@code tributary validate}: read and check settings
     * here, but open nothing and start no thread; that belongs in {@link CounterSource#start}.
     */
    @Override
    public SourceTask create(Settings settings) {
        // Read every key the source accepts, also those left at their default: the agent reports
        // each key nobody read as unknown, with a "did you mean" for typos.
        String topic = settings.getRequiredString("topic");
        long count = settings.getLong("count", 10);
        String message = settings.getString("message", "hello {n}");
        Duration interval = settings.getDuration("interval", DEFAULT_INTERVAL);

        // Report problems instead of throwing, so the user sees every error of the file at once.
        // The agent discards the returned task when any error was reported.
        if (count < 0) {
            settings.error("count", "must be 0 or more, got " + count);
        }
        if (interval.isNegative()) {
            settings.error("interval", "must not be negative");
        }
        return new CounterSource(topic, count, message, interval);
    }
}
