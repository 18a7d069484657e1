package io.tributary.plugins.journald;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.config.YamlSettings;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryRecordsTest {

    private static List<JournalEntry> realEntries() throws IOException {
        try (InputStream in = EntryRecordsTest.class.getResourceAsStream("/journalctl-export.bin")) {
            ExportParser parser = new ExportParser(new ByteArrayInputStream(in.readAllBytes()), 4096);
            return List.of(parser.next(), parser.next());
        }
    }

    private static EntryRecords records(String settings) {
        YamlSettings yaml = YamlSettings.parse("topic: logs.journal\n" + settings);
        JournaldConfig config = JournaldConfig.read(yaml);
        assertThat(yaml.finish()).isEmpty();
        return new EntryRecords(config);
    }

    @Test
    void jsonHoldsEveryFieldByItsJournalNameWithTheTimeInIso8601() throws IOException {
        JournalEntry entry = realEntries().get(0);

        SourceRecord record = records("").record(entry);

        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"__CURSOR\":\"" + entry.cursor() + "\","
                + "\"__REALTIME_TIMESTAMP\":\"2023-11-14T22:13:20.123456Z\",\"__MONOTONIC_TIMESTAMP\":\"5000000\","
                + "\"_BOOT_ID\":\"0123456789abcdef0123456789abcdef\",\"_SYSTEMD_UNIT\":\"nginx.service\",\"_HOSTNAME\":\"web-1\","
                + "\"PRIORITY\":\"6\",\"SYSLOG_IDENTIFIER\":\"nginx\",\"MESSAGE\":\"GET /index.html 200\"}");
        assertThat(record.timestamp()).isEqualTo(1_700_000_000_123L);
        assertThat(record.key()).asString(StandardCharsets.UTF_8).isEqualTo("nginx.service");
        assertThat(record.topic()).isEqualTo("logs.journal");
        assertThat(record.checkpoint().stream()).isEqualTo("system");
        assertThat(record.checkpoint().position()).isEqualTo(Position.of("cursor", entry.cursor()));
    }

    @Test
    void multiLineTextIsTextBinaryIsBase64AndARepeatedFieldIsAList() throws IOException {
        JournalEntry entry = realEntries().get(1);

        String json = new String(records("").record(entry).value(), StandardCharsets.UTF_8);

        assertThat(json).contains("\"MESSAGE\":\"Traceback (most recent call last):\\n  File \\\"app.py\\\", line 1\\nValueError: €\"",
                "\"DUMP\":\"AAEC//4K\"", "\"TAG\":[\"one\",\"two\"]");
        assertThat(json.indexOf("\"TAG\"")).isEqualTo(json.lastIndexOf("\"TAG\""));
    }

    @Test
    void aMessageOfInvalidUtf8IsStillText() {
        byte[] export = new ExportWriter().text("__CURSOR", "c").binary("MESSAGE", new byte[] {'a', (byte) 0xff, 'b'}).end().bytes();

        String json = new String(records("").json(parse(export)), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"__CURSOR\":\"c\",\"MESSAGE\":\"a\uFFFDb\"}");
    }

    @Test
    void keyAndFormatFollowTheSettings() throws IOException {
        JournalEntry entry = realEntries().get(0);

        SourceRecord byHost = records("key: hostname\n").record(entry);
        SourceRecord bare = records("key: none\nformat: message\ndirectory: " + System.getProperty("java.io.tmpdir") + "\n").record(entry);

        assertThat(byHost.key()).asString(StandardCharsets.UTF_8).isEqualTo("web-1");
        assertThat(bare.key()).isNull();
        assertThat(bare.value()).asString(StandardCharsets.UTF_8).isEqualTo("GET /index.html 200");
        assertThat(bare.timestamp()).isEqualTo(1_700_000_000_123L);
        assertThat(bare.checkpoint().stream()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize().toString());
    }

    @Test
    void theTimeHasAllSixDigitsOfItsMicroseconds() {
        assertThat(EntryRecords.iso8601(1_700_000_000_000_005L)).isEqualTo("2023-11-14T22:13:20.000005Z");
        assertThat(EntryRecords.iso8601(1_700_000_000_120_000L)).isEqualTo("2023-11-14T22:13:20.120000Z");
        assertThat(EntryRecords.iso8601(0)).isEqualTo("1970-01-01T00:00:00.000000Z");
    }

    @Test
    void anEntryWithoutTheKeysFieldGetsNoKey() {
        JournalEntry entry = parse(new ExportWriter().text("__CURSOR", "c").text("MESSAGE", "kernel says hi").end().bytes());

        assertThat(records("").record(entry).key()).isNull();
        assertThat(records("").record(entry).timestamp()).isNull();
    }

    private static JournalEntry parse(byte[] export) {
        try {
            return new ExportParser(new ByteArrayInputStream(export), 64).next();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
