package io.tributary.testplugin;

import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import org.pf4j.Extension;

/** A broken plugin's extension for the agent's tests: it cannot even be created. */
@Extension
public final class ExplodingSourceType implements SourceType {
    public ExplodingSourceType() {
        throw new IllegalStateException("boom");
    }

    @Override
    public String name() {
        return "exploding";
    }

    @Override
    public SourceTask create(Settings settings) {
        throw new UnsupportedOperationException();
    }
}
