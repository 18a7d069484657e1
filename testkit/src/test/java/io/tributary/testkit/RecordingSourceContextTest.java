package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.PluginMetrics;
import io.tributary.api.Position;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingSourceContextTest {

    @TempDir
    Path tempDir;

    @Test
    void offersTheTaskItsNameFolderPositionsAndLogger() {
        Map<String, Position> positions = Map.of("/var/log/app.log", Position.of("offset", 42));
        RecordingSourceContext context = new RecordingSourceContext("app-logs", tempDir.resolve("app-logs"), positions);

        assertThat(context.sourceName()).isEqualTo("app-logs");
        assertThat(context.agentId()).isEqualTo("testkit");
        assertThat(context.committedPositions()).isEqualTo(positions);
        assertThat(context.dataDir()).isEqualTo(tempDir.resolve("app-logs")).isDirectory();
        assertThat(context.logger().getName()).isEqualTo("io.tributary.source.app-logs");
    }

    @Test
    void recordsHealth() {
        RecordingSourceContext context = new RecordingSourceContext("orders", tempDir, Map.of());
        assertThat(context.isHealthy()).isTrue();
        assertThat(context.unhealthyReason()).isNull();

        context.unhealthy("database unreachable: connection refused");
        assertThat(context.isHealthy()).isFalse();
        assertThat(context.unhealthyReason()).isEqualTo("database unreachable: connection refused");

        context.healthy();
        assertThat(context.isHealthy()).isTrue();
        assertThat(context.unhealthyReason()).isNull();
    }

    @Test
    void keepsCountersAndGauges() {
        RecordingSourceContext context = new RecordingSourceContext("app-logs", tempDir, Map.of());
        PluginMetrics.Counter lines = context.metrics().counter("file.lines", "lines read");
        lines.increment();
        lines.increment(4);
        context.metrics().counter("file.lines", "lines read").increment();
        AtomicInteger open = new AtomicInteger(2);
        context.metrics().gauge("file.open", "files open", open::get);

        assertThat(context.counter("file.lines")).isEqualTo(6);
        assertThat(context.gauge("file.open")).isEqualTo(2);
        open.set(1);
        assertThat(context.gauge("file.open")).isEqualTo(1);
    }

    @Test
    void namesTheMetricsThereAreWhenAskedForAnotherOne() {
        RecordingSourceContext context = new RecordingSourceContext("app-logs", tempDir, Map.of());
        context.metrics().counter("file.lines", "lines read");
        context.metrics().counter("file.bytes", "bytes read");

        assertThatThrownBy(() -> context.counter("file.line"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no counter \"file.line\"; counters: [file.bytes, file.lines]");
        assertThatThrownBy(() -> context.gauge("file.open"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no gauge \"file.open\"; gauges: []");
    }

    @Test
    void refusesACounterGoingDown() {
        RecordingSourceContext context = new RecordingSourceContext("app-logs", tempDir, Map.of());
        PluginMetrics.Counter lines = context.metrics().counter("file.lines", "lines read");

        assertThatThrownBy(() -> lines.increment(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("counter \"file.lines\" only goes up, got increment -1");
    }
}
