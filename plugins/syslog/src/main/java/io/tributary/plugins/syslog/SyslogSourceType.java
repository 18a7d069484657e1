package io.tributary.plugins.syslog;

import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import java.time.Clock;
import org.pf4j.Extension;

/** The {@code syslog} source type: receives syslog over UDP, TCP and TLS. */
@Extension
public final class SyslogSourceType implements SourceType {

    @Override
    public String name() {
        return "syslog";
    }

    @Override
    public SourceTask create(Settings settings) {
        return new SyslogSource(SyslogConfig.read(settings), Clock.systemUTC());
    }
}
