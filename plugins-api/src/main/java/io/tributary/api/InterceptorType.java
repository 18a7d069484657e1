package io.tributary.api;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.pf4j.ExtensionPoint;

/**
 * A kind of Kafka {@link ProducerInterceptor} a plugin offers, named by the {@code type} key of an
 * entry under {@code interceptors:}.
 *
 * <p>The agent calls {@link #create} once per entry, on its main thread, also when only validating;
 * then, when running, it calls the interceptor's {@code configure()} with the entry's settings laid
 * over the producer's config, as Kafka would, plus {@value #AGENT_ID_CONFIG} (the agent's id) and
 * {@value #METRICS_CONFIG} (a {@link PluginMetrics} tagged with the interceptor's name). In
 * {@code onSend}, {@link RecordSource#name()} tells which source the record comes from. The interceptor then sits on the agent's one shared
 * producer with Kafka's contract: {@code onSend} and {@code onAcknowledgement} run on several threads;
 * an exception from either is caught, logged and counted, and the record goes on unchanged.
 * {@code onAcknowledgement} also fires for records of transactions that later abort: it is not a
 * commit.
 */
public interface InterceptorType extends ExtensionPoint {

    /** The {@code configure()} key whose value is the agent's id ({@code agent.id}). */
    String AGENT_ID_CONFIG = "tributary.agent.id";

    /** The {@code configure()} key whose value is a {@link PluginMetrics} for this interceptor. */
    String METRICS_CONFIG = "tributary.metrics";

    /** The value of {@code type:} that selects this interceptor, e.g. {@code headers}. */
    String name();

    /**
     * Validates the entry's settings (read every key you accept, report problems with
     * {@link Settings#error}) and returns a new, unconfigured interceptor.
     */
    ProducerInterceptor<byte[], byte[]> create(Settings settings);
}
