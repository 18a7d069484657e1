package io.tributary.plugins.journald;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real journal files in a folder, written by Debian's systemd-journal-remote from export format
 * (it needs no running journald): what the source reads with {@code directory:}.
 */
final class TestJournal {
    static final Path JOURNAL_REMOTE = Path.of("/lib/systemd/systemd-journal-remote");
    static final String BOOT_ID = "0123456789abcdef0123456789abcdef";

    private final Path dir;
    /** Entries get consecutive microseconds from here: distinct, ordered, and checkable. */
    private final long firstMicros = Instant.now().truncatedTo(ChronoUnit.SECONDS).getEpochSecond() * 1_000_000L;
    private long written;

    TestJournal(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    Path dir() {
        return dir;
    }

    /** A plain entry of {@code unit} with {@code PRIORITY} and {@code MESSAGE}. */
    static Map<String, Object> entry(String unit, int priority, String message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("_SYSTEMD_UNIT", unit);
        fields.put("_HOSTNAME", "host-" + unit.charAt(0));
        fields.put("PRIORITY", String.valueOf(priority));
        fields.put("MESSAGE", message);
        return fields;
    }

    /** The {@code __REALTIME_TIMESTAMP} the {@code n}th entry written (from 0) gets. */
    long realtimeMicros(long n) {
        return firstMicros + n * 1000;
    }

    /**
     * Appends {@code entries} to the journal file {@code file} (created if missing). A value is a
     * String, a byte[], or a List of them for a field the entry holds several times.
     */
    void write(String file, List<Map<String, Object>> entries) throws IOException, InterruptedException {
        ExportWriter export = new ExportWriter();
        for (Map<String, Object> entry : entries) {
            export.text("__REALTIME_TIMESTAMP", String.valueOf(realtimeMicros(written)))
                    .text("__MONOTONIC_TIMESTAMP", String.valueOf(1_000_000 + written))
                    .text("_BOOT_ID", BOOT_ID);
            written++;
            entry.forEach((name, value) -> {
                for (Object one : value instanceof List<?> list ? list : List.of(value)) {
                    export.field(name, one instanceof byte[] bytes ? bytes : ((String) one).getBytes(StandardCharsets.UTF_8));
                }
            });
            export.end();
        }
        Process process = new ProcessBuilder(JOURNAL_REMOTE.toString(), "--output=" + dir.resolve(file), "-")
                .redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(export.bytes());
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("systemd-journal-remote finished").isTrue();
        assertThat(process.exitValue()).as("systemd-journal-remote: " + output).isZero();
    }

    /** The cursors of every entry in the folder, in the order journalctl reads them. */
    List<String> cursors() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("journalctl", "--directory=" + dir, "--output=export", "--no-pager")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> cursors = new ArrayList<>();
        ExportParser parser = new ExportParser(process.getInputStream(), 65536);
        for (JournalEntry entry = parser.next(); entry != null; entry = parser.next()) {
            cursors.add(entry.cursor());
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return cursors;
    }

    /** {@code count} entries of {@code unit} with priority 6 and messages "{prefix}{i}". */
    static List<Map<String, Object>> entries(String unit, String prefix, int from, int count) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            entries.add(entry(unit, 6, prefix + i));
        }
        return entries;
    }
}
