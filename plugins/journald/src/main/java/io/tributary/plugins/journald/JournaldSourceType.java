package io.tributary.plugins.journald;

import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import java.time.Clock;
import org.pf4j.Extension;

/** The {@code journald} source type: reads the systemd journal, its cursor committed with the entries. */
@Extension
public final class JournaldSourceType implements SourceType {

    @Override
    public String name() {
        return "journald";
    }

    @Override
    public SourceTask create(Settings settings) {
        return new JournaldSource(JournaldConfig.read(settings), settings.path(), JournaldSource.JOURNALCTL,
                JournaldSource.FIRST_RETRY_DELAY, Clock.systemUTC());
    }
}
