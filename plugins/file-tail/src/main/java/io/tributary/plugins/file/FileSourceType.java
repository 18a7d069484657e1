package io.tributary.plugins.file;

import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import org.pf4j.Extension;

/** The {@code file} source type: tails log files into a topic. Settings are described in the plugin's README. */
@Extension
public final class FileSourceType implements SourceType {

    @Override
    public String name() {
        return "file";
    }

    @Override
    public SourceTask create(Settings settings) {
        return new FileSource(FileSourceConfig.read(settings));
    }
}
