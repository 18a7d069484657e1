package io.tributary.testplugin;

import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import java.time.Duration;
import org.pf4j.Extension;

/**
 * A replayable source for the agent's own tests: records 0, 1, 2, ... up to {@code count}, value
 * {@code record-<n>}, key {@code <n>}, checkpoint {@code next=<n+1>} on stream {@code seq}.
 * {@code large_at}/{@code large_bytes} make one record of that many bytes. With {@code json: true}
 * the value is a JSON line instead, {@code {"n":<n>,"level":"debug","msg":"record-<n>"}}, its level
 * {@code debug} for every tenth record and {@code info} for the others.
 */
@Extension
public final class SequenceSourceType implements SourceType {
    @Override
    public String name() {
        return "sequence";
    }

    @Override
    public SourceTask create(Settings settings) {
        String topic = settings.getRequiredString("topic");
        long count = settings.getLong("count", 1000);
        int perPoll = settings.getInt("per_poll", 500);
        long largeAt = settings.getLong("large_at", -1);
        int largeBytes = (int) settings.getSize("large_bytes", 0);
        Duration pause = settings.getDuration("pause_per_poll", Duration.ZERO);
        boolean json = settings.getBoolean("json", false);
        if (count < 0) {
            settings.error("count", "must not be negative");
        }
        return new SequenceSource(topic, count, perPoll, largeAt, largeBytes, pause, json);
    }
}
