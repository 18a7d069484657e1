package io.tributary.plugins.file;

import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import java.util.Map;
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

    /**
     * One part per glob of {@code include}, named {@code include:<glob>}: a file's stream is its
     * identity, not the glob that found it, so its checkpoint is the same in a part as in the whole
     * source. The globs must not match the same file, or two parts read it.
     */
    @Override
    public Map<String, Map<String, Object>> split(Map<String, Object> settings) {
        return SourceType.splitByList(settings, "include", "include:");
    }
}
