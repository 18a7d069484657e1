package io.tributary.agent.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.tributary.api.PluginMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A plugin's metrics on the agent's Micrometer registry, named {@code tributary.<name>} with the
 * plugin's tags. {@link #close()} removes them, so a restarted task's gauges read the new task, not
 * the old one.
 */
public final class MicrometerPluginMetrics implements PluginMetrics, AutoCloseable {
    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();

    public MicrometerPluginMetrics(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
    }

    @Override
    public PluginMetrics.Counter counter(String name, String description, Map<String, String> extraTags) {
        // Qualified: PluginMetrics.Counter, inherited here, shadows Micrometer's.
        io.micrometer.core.instrument.Counter counter = io.micrometer.core.instrument.Counter.builder("tributary." + name).description(description).tags(tags).tags(Tags.of(extraTags.entrySet().stream()
                        .map(tag -> Tag.of(tag.getKey(), tag.getValue())).toList())).register(registry);
        meters.add(counter);
        return counter::increment;
    }

    @Override
    public void gauge(String name, String description, Supplier<Number> value) {
        meters.add(Gauge.builder("tributary." + name, value).description(description).tags(tags).register(registry));
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
