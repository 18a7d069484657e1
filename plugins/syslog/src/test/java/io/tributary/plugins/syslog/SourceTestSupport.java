package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.config.YamlSettings;
import io.tributary.api.Position;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What the tests that drive a {@link SyslogSource} share: its start from YAML, and closing what they opened. */
abstract class SourceTestSupport {
    @TempDir
    Path dir;

    final List<AutoCloseable> toClose = new ArrayList<>();
    RecordingSourceContext context;
    SyslogSource source;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** Starts a source of these settings (topic {@code logs.syslog}) from {@code committed}; closed after the test. */
    TaskDriver startSource(String yaml, Map<String, Position> committed) {
        source = new SyslogSource(config(yaml), SyslogParserTest.NOW);
        context = new RecordingSourceContext("syslog", dir.resolve("data"), committed);
        TaskDriver driver = TaskDriver.start(source, context);
        toClose.add(driver);
        return driver;
    }

    static SyslogConfig config(String yaml) {
        YamlSettings settings = YamlSettings.parse("topic: logs.syslog\n" + yaml + "\n");
        SyslogConfig config = SyslogConfig.read(settings);
        assertThat(settings.finish()).isEmpty();
        return config;
    }

    <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }
}
