package io.tributary.plugins.interceptors;

import io.tributary.api.InterceptorType;
import io.tributary.api.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.pf4j.Extension;

/** {@code type: redact}: masks card numbers, e-mail addresses, tokens and custom patterns in record values. */
@Extension
public final class RedactInterceptorType implements InterceptorType {
    static final String DEFAULT_MASK = "****";

    @Override
    public String name() {
        return "redact";
    }

    @Override
    public ProducerInterceptor<byte[], byte[]> create(Settings settings) {
        List<RedactPattern> patterns = new ArrayList<>();
        for (String name : settings.getStringList("patterns", RedactPattern.builtInNames())) {
            RedactPattern.BUILT_IN.stream().filter(pattern -> pattern.name().equals(name)).findFirst().ifPresentOrElse(
                    patterns::add,
                    () -> settings.error("patterns", "unknown pattern \"" + name + "\"; built in: "
                            + String.join(", ", RedactPattern.builtInNames()) + " (add your own under custom:)"));
        }
        settings.getStringMap("custom").forEach((name, regex) -> {
            try {
                patterns.add(RedactPattern.custom(name, Pattern.compile(regex)));
            } catch (PatternSyntaxException e) {
                settings.error("custom", "pattern \"" + name + "\" is not a valid regular expression: "
                        + e.getDescription() + " near index " + e.getIndex());
            }
        });
        String mask = settings.getString("mask", DEFAULT_MASK);
        if (patterns.isEmpty()) {
            settings.error("patterns", "nothing to redact: name built-in patterns or add custom ones");
        }
        return new RedactInterceptor(patterns, mask);
    }
}
