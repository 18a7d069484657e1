package io.tributary.agent.config;

/**
 * One entry under {@code interceptors:}: exactly one of {@code type} and {@code className} is set.
 *
 * @param path      {@code interceptors[0]}, for messages
 * @param type      an interceptor type a plugin offers, or null
 * @param className a {@code ProducerInterceptor} class in a jar in the plugins folder, or null
 * @param settings  the entry's other keys ({@code type} and {@code class} hidden); call
 *                  {@link YamlSettings#finish()} after they were read
 */
public record InterceptorConfig(String path, String type, String className, YamlSettings settings) {
}
