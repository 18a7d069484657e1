package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * rsyslog reading a file with {@code imfile} into Kafka with {@code omkafka}, each line's text as
 * the record's value, both at their defaults: imfile reads a file it has no state for from its
 * beginning and keeps its position in the work directory, omkafka runs librdkafka's defaults (not
 * transactional: at least once).
 */
final class RsyslogFile {
    static final String NAME = "rsyslog imfile → omkafka";

    private static final String CONFIG = """
            global(workDirectory="%1$s")
            module(load="imfile")
            module(load="omkafka")
            template(name="line" type="string" string="%%msg%%")
            input(type="imfile" file="%2$s" tag="lines" ruleset="toKafka")
            ruleset(name="toKafka") {
              action(type="omkafka" broker=["%3$s"] topic="%4$s" template="line")
            }
            """;

    private RsyslogFile() {
    }

    /** Starts rsyslogd in the foreground with its config and state in {@code dir}, reading {@code file} into {@code topic}. */
    static Child start(Session session, Path dir, Path file, String topic) {
        Path config = dir.resolve("rsyslog.conf");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, CONFIG.formatted(dir, file, session.bootstrapServers(), topic));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        return Child.start(NAME, dir.resolve("output.log"), List.of(
                "rsyslogd", "-n", "-f", config.toString(), "-i", dir.resolve("rsyslogd.pid").toString()));
    }
}
