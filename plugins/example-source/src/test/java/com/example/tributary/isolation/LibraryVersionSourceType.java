package com.example.tributary.isolation;

import io.tributary.api.Position;
import io.tributary.api.Settings;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A source that writes one record naming the commons-lang3 version its plugin's class loader
 * finds: each isolation plugin bundles another version and offers its own subclass of this type.
 */
public abstract class LibraryVersionSourceType implements SourceType {
    private final String name;

    protected LibraryVersionSourceType(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SourceTask create(Settings settings) {
        String topic = settings.getRequiredString("topic");
        return new SourceTask() {
            private volatile boolean written;

            @Override
            public void start(SourceContext context) {
                written = context.committedPositions().containsKey("version");
            }

            @Override
            public List<SourceRecord> poll() throws Exception {
                if (written) {
                    Thread.sleep(100);
                    return List.of();
                }
                written = true;
                Class<?> library = Class.forName("org.apache.commons.lang3.StringUtils", true, LibraryVersionSourceType.class.getClassLoader());
                String value = name + " sees commons-lang3 " + library.getPackage().getImplementationVersion();
                return List.of(SourceRecord.builder(topic).value(value.getBytes(StandardCharsets.UTF_8))
                        .checkpoint("version", Position.of("written", true)).build());
            }

            @Override
            public void stop() {
            }
        };
    }
}
