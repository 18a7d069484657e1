package io.tributary.agent.interceptor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tributary.agent.metrics.MicrometerPluginMetrics;
import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.api.InterceptorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interceptors of {@code interceptors:}, in order, installed on the shared producer as its one
 * {@code interceptor.classes} entry. Kafka instantiates interceptors by class name; this class receives
 * the already created instances through the producer config ({@link #INSTANCES_CONFIG}) so that
 * plugin interceptors come from their own class loaders and every call runs under it.
 *
 * <p>The agent's own checkpoint records (to {@code agent.offsets_topic}) pass no interceptor: an
 * interceptor that added to, rewrote or rerouted them could break what restarts read. For the same
 * reason a record an interceptor routes to that topic counts as that interceptor's error.
 *
 * <p>Kafka's contract holds per interceptor: an exception from {@code onSend} or
 * {@code onAcknowledgement} is caught, logged (at most once a minute per interceptor) and counted in
 * {@code tributary.interceptor.errors}, and the record goes on as it was.
 */
public final class InterceptorChain implements ProducerInterceptor<byte[], byte[]> {
    /** The producer config key that carries the {@link Setup} to the instance Kafka creates. */
    public static final String INSTANCES_CONFIG = "tributary.interceptors";
    private static final Logger log = LoggerFactory.getLogger(InterceptorChain.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    /** What the agent hands the chain through the producer config. */
    public record Setup(List<ConfiguredInterceptor> interceptors, String agentId, String offsetsTopic, MeterRegistry registry) {
    }

    private final List<Link> links = new ArrayList<>();
    private String offsetsTopic;

    private static final class Link {
        final ConfiguredInterceptor entry;
        final Counter errors;
        final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

        Link(ConfiguredInterceptor entry, MeterRegistry registry) {
            this.entry = entry;
            this.errors = Counter.builder("tributary.interceptor.errors")
                    .description("Exceptions thrown by an interceptor; the record went on unchanged")
                    .tag("interceptor", entry.name()).register(registry);
        }

        void failed(String call, Throwable e) {
            errors.increment();
            long last = lastLogged.get();
            long now = System.nanoTime();
            if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
                log.warn("Interceptor {} threw in {}; the record goes on unchanged (logged at most once a minute, counted in tributary.interceptor.errors)",
                        entry.name(), call, e);
            }
        }
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Setup setup = (Setup) configs.get(INSTANCES_CONFIG);
        offsetsTopic = setup.offsetsTopic();
        Map<String, Object> producerConfig = new HashMap<>(configs);
        producerConfig.remove(INSTANCES_CONFIG);
        for (ConfiguredInterceptor entry : setup.interceptors()) {
            Map<String, Object> merged = new HashMap<>(producerConfig);
            merged.putAll(entry.settings());
            merged.put(InterceptorType.AGENT_ID_CONFIG, setup.agentId());
            merged.put(InterceptorType.METRICS_CONFIG, new MicrometerPluginMetrics(setup.registry(), Tags.of("interceptor", entry.name())));
            LoaderSwap.run(entry.loader(), () -> entry.interceptor().configure(merged));
            links.add(new Link(entry, setup.registry()));
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        if (record.topic().equals(offsetsTopic)) {
            return record;
        }
        ProducerRecord<byte[], byte[]> current = record;
        for (Link link : links) {
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(link.entry.loader());
            try {
                ProducerRecord<byte[], byte[]> next = link.entry.interceptor().onSend(current);
                if (next != null && next.topic().equals(offsetsTopic)) {
                    link.failed("onSend", new IllegalStateException("it routed a record to " + offsetsTopic
                            + ", agent.offsets_topic, where only the agent's checkpoints may go"));
                } else if (next != null) {
                    current = next;
                }
            } catch (RuntimeException | LinkageError e) {
                link.failed("onSend", e);
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }
        return current;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        onAcknowledgement(metadata, exception, null);
    }

    /** Kafka calls this form, with the record's headers; each interceptor's own default passes them on to the short form. */
    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception, Headers headers) {
        if (metadata != null && offsetsTopic.equals(metadata.topic())) {
            return;
        }
        for (Link link : links) {
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(link.entry.loader());
            try {
                link.entry.interceptor().onAcknowledgement(metadata, exception, headers);
            } catch (RuntimeException | LinkageError e) {
                link.failed("onAcknowledgement", e);
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }
    }

    @Override
    public void close() {
        for (Link link : links) {
            try {
                LoaderSwap.run(link.entry.loader(), () -> link.entry.interceptor().close());
            } catch (RuntimeException | LinkageError e) {
                log.warn("Interceptor {} threw in close()", link.entry.name(), e);
            }
        }
    }
}
