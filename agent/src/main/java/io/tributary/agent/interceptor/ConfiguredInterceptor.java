package io.tributary.agent.interceptor;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;

/**
 * One entry of {@code interceptors:}, created and validated: the instance, its settings for
 * {@code configure()}, and the class loader its calls run under.
 *
 * @param name     what logs and metrics call it: the {@code type} or the {@code class}
 */
public record ConfiguredInterceptor(String name, ProducerInterceptor<byte[], byte[]> interceptor,
                                    Map<String, Object> settings, ClassLoader loader) {
}
