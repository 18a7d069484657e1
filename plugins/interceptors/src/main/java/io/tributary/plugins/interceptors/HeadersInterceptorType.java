package io.tributary.plugins.interceptors;

import io.tributary.api.InterceptorType;
import io.tributary.api.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.pf4j.Extension;

/** {@code type: headers}: adds static and templated headers to every record. */
@Extension
public final class HeadersInterceptorType implements InterceptorType {

    @Override
    public String name() {
        return "headers";
    }

    @Override
    public ProducerInterceptor<byte[], byte[]> create(Settings settings) {
        Map<String, String> configured = settings.getStringMap("add");
        if (configured.isEmpty()) {
            settings.error("add", "must map at least one header name to its value, e.g. add: { env: prod }");
        }
        Map<String, HeaderTemplate> add = new LinkedHashMap<>();
        configured.forEach((name, text) -> HeaderTemplate.unknownPlaceholder(text).ifPresentOrElse(
                unknown -> settings.error("add", "header \"" + name + "\": unknown placeholder " + unknown
                        + "; known: {host}, {agent_id}, {source}"),
                () -> add.put(name, new HeaderTemplate(text))));
        boolean overwrite = settings.getBoolean("overwrite", true);
        return new HeadersInterceptor(add, overwrite);
    }
}
