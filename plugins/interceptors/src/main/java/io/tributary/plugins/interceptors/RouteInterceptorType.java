package io.tributary.plugins.interceptors;

import io.tributary.api.InterceptorType;
import io.tributary.api.Settings;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.pf4j.Extension;

/** {@code type: route}: chooses each record's topic from a header or from a regular expression on its value. */
@Extension
public final class RouteInterceptorType implements InterceptorType {

    @Override
    public String name() {
        return "route";
    }

    @Override
    public ProducerInterceptor<byte[], byte[]> create(Settings settings) {
        String fromHeader = settings.getString("from_header", null);
        Pattern fromValue = settings.getPattern("from_value");
        String prefix = settings.getString("prefix", "");
        boolean valuePatternGiven = settings.has("from_value");
        if (fromHeader == null && !valuePatternGiven) {
            settings.error(null, "needs from_header (a header naming the topic) or from_value (a regular expression whose first group is the topic)");
        } else if (fromHeader != null && valuePatternGiven) {
            settings.error("from_value", "give either from_header or from_value, not both");
        }
        if (fromValue != null && fromValue.matcher("").groupCount() < 1) {
            settings.error("from_value", "must have a capturing group, the topic, e.g. '^(\\w+):'");
        }
        if (!prefix.isEmpty() && !RouteInterceptor.isLegalTopic(prefix)) {
            settings.error("prefix", "may hold only letters, digits, '.', '_' and '-', as topic names do");
        }
        return new RouteInterceptor(fromHeader, fromValue, prefix);
    }
}
