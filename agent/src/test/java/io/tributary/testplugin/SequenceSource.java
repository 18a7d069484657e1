package io.tributary.testplugin;

import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/** See {@link SequenceSourceType}. */
public final class SequenceSource implements SourceTask {
    static final String STREAM = "seq";

    private final String topic;
    private final long count;
    private final int perPoll;
    private final long largeAt;
    private final int largeBytes;
    private final Duration pause;
    private final boolean json;
    private volatile boolean stopping;
    private boolean started;
    private long next;

    SequenceSource(String topic, long count, int perPoll, long largeAt, int largeBytes, Duration pause, boolean json) {
        this.topic = topic;
        this.count = count;
        this.perPoll = perPoll;
        this.largeAt = largeAt;
        this.largeBytes = largeBytes;
        this.pause = pause;
        this.json = json;
    }

    @Override
    public void start(SourceContext context) {
        Position committed = context.committedPositions().get(STREAM);
        next = committed == null ? 0 : committed.getLong("next");
        started = true;
        context.logger().info("sequence starts at {}", next);
        context.logger().info("sequence task's context class loader is its plugin's: {}",
                Thread.currentThread().getContextClassLoader() == SequenceSource.class.getClassLoader());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return List.of();
        }
        if (next >= count) {
            Thread.sleep(50);
            return List.of();
        }
        if (!pause.isZero()) {
            Thread.sleep(pause.toMillis());
        }
        List<SourceRecord> records = new ArrayList<>(perPoll);
        while (records.size() < perPoll && next < count) {
            long n = next++;
            String text = json ? "{\"n\":" + n + ",\"level\":\"" + (n % 10 == 0 ? "debug" : "info") + "\",\"msg\":\"record-" + n + "\"}"
                    : "record-" + n;
            byte[] value = text.getBytes(StandardCharsets.UTF_8);
            if (n == largeAt) {
                value = Arrays.copyOf(value, largeBytes);
                Arrays.fill(value, ("record-" + n).length(), largeBytes, (byte) 'x');
            }
            records.add(SourceRecord.builder(topic)
                    .key(Long.toString(n).getBytes(StandardCharsets.UTF_8))
                    .value(value)
                    .header("seq", Long.toString(n))
                    .checkpoint(STREAM, Position.of("next", next))
                    .build());
        }
        return records;
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public void close() {
        if (!started) {
            // No context without start: the agent's tests look for this line to see unused tasks closed.
            LoggerFactory.getLogger(SequenceSource.class).info("sequence task for topic {} closed unstarted", topic);
        }
    }
}
