package io.tributary.plugins.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import io.tributary.api.SourceRecord;
import io.tributary.testkit.TaskDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;

/** What the unit tests of the file source poll and look at: lines among records, their values and headers. */
final class PolledLines {
    static final Duration WAIT = Duration.ofSeconds(10);

    private PolledLines() {
    }

    /** Polls until {@code count} records with a value came back, returning every record, checkpoint-only ones too. */
    static List<SourceRecord> pollLines(TaskDriver driver, int count) {
        List<SourceRecord> records = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            records.addAll(driver.pollFor(Duration.ofMillis(20)));
            return lines(records).size() >= count;
        });
        return records;
    }

    static List<SourceRecord> lines(List<SourceRecord> records) {
        return records.stream().filter(r -> !r.isCheckpointOnly()).toList();
    }

    static List<String> values(List<SourceRecord> records) {
        return lines(records).stream().map(r -> new String(r.value(), UTF_8)).toList();
    }

    static Map<String, String> headers(SourceRecord record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), UTF_8));
        }
        return headers;
    }

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
