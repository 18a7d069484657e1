package io.tributary.plugins.interceptors;

import io.tributary.api.InterceptorType;
import io.tributary.api.PluginMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerInterceptor;

/** Counters by name, for configuring an interceptor in a unit test as the agent would. */
final class RecordingMetrics implements PluginMetrics {
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    static RecordingMetrics configure(ProducerInterceptor<byte[], byte[]> interceptor) {
        RecordingMetrics metrics = new RecordingMetrics();
        interceptor.configure(Map.of(InterceptorType.METRICS_CONFIG, metrics, InterceptorType.AGENT_ID_CONFIG, "unit"));
        return metrics;
    }

    @Override
    public Counter counter(String name, String description, Map<String, String> tags) {
        AtomicLong count = counters.computeIfAbsent(tags.isEmpty() ? name : name + new TreeMap<>(tags), key -> new AtomicLong());
        return count::addAndGet;
    }

    @Override
    public void gauge(String name, String description, Supplier<Number> value) {
    }

    /** The counter's value; null when it was never created. */
    Long get(String name) {
        AtomicLong count = counters.get(name);
        return count == null ? null : count.get();
    }
}
