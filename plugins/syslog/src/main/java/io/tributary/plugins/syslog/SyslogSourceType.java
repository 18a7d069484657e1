package io.tributary.plugins.syslog;

import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import io.tributary.api.ValueFormat;
import java.time.Clock;
import org.pf4j.Extension;

/** The {@code syslog} source type: receives syslog over UDP, TCP and TLS. */
@Extension
public final class SyslogSourceType implements SourceType {

    @Override
    public String name() {
        return "syslog";
    }

    /** Its values are JSON objects of the parsed message (bytes with {@code format: raw}: set {@code value_format: bytes} there). */
    @Override
    public ValueFormat valueFormat() {
        return ValueFormat.JSON;
    }

    @Override
    public SourceTask create(Settings settings) {
        return new SyslogSource(SyslogConfig.read(settings), Clock.systemUTC());
    }
}
