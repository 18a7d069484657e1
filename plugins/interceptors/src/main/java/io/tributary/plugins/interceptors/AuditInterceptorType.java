package io.tributary.plugins.interceptors;

import io.tributary.api.InterceptorType;
import io.tributary.api.Settings;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.pf4j.Extension;

/** {@code type: audit}: counts records and bytes per topic and outcome, as the broker acknowledged them. */
@Extension
public final class AuditInterceptorType implements InterceptorType {

    @Override
    public String name() {
        return "audit";
    }

    /** Takes no settings: every key given is reported as unknown. */
    @Override
    public ProducerInterceptor<byte[], byte[]> create(Settings settings) {
        return new AuditInterceptor();
    }
}
