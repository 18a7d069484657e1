package com.example.tributary;

import io.tributary.api.InterceptorType;
import io.tributary.api.Settings;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.pf4j.Extension;

/**
 * The interceptor type {@code trail}: appends its {@code mark} to a header of every record, so a
 * record read from Kafka shows which interceptors it went through, in order. Copy this plugin to
 * start your own interceptor.
 *
 * <pre>
 * interceptors:
 *   - type: trail
 *     mark: before-redact
 *     header: trail        # the default
 * </pre>
 */
@Extension
public final class TrailInterceptorType implements InterceptorType {
    static final String DEFAULT_HEADER = "trail";

    @Override
    public String name() {
        return "trail";
    }

    /**
     * Runs on the agent's main thread, also for {@code tributary validate}: check every setting
     * here and report problems through {@code settings}, never by throwing, so the user sees all of
     * them at once. The instance returned is configured later, only when the agent runs.
     */
    @Override
    public ProducerInterceptor<byte[], byte[]> create(Settings settings) {
        String mark = settings.getRequiredString("mark");
        String header = settings.getString("header", DEFAULT_HEADER);
        if (mark != null && mark.contains(TrailInterceptor.SEPARATOR)) {
            settings.error("mark", "must not contain \"" + TrailInterceptor.SEPARATOR + "\", the separator of the trail");
        }
        if (header.isBlank()) {
            settings.error("header", "must name a header");
        }
        return new TrailInterceptor(mark, header);
    }
}
