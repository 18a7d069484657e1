package io.tributary.plugins.journald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExportParserTest {

    /** journalctl -o export of two entries that systemd-journal-remote wrote: see the test resource's fields below. */
    private static byte[] journalctlOutput() throws IOException {
        try (InputStream in = ExportParserTest.class.getResourceAsStream("/journalctl-export.bin")) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 64, 65536})
    void readsRealJournalctlOutputWhereverItsReadsEnd(int bufferBytes) throws IOException {
        ExportParser parser = new ExportParser(new ByteArrayInputStream(journalctlOutput()), bufferBytes);

        JournalEntry first = parser.next();
        JournalEntry second = parser.next();

        assertThat(parser.next()).isNull();
        assertThat(first.cursor()).startsWith("s=").contains(";i=1;b=" + TestJournal.BOOT_ID + ";");
        assertThat(names(first)).containsExactly("__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "_BOOT_ID",
                "_SYSTEMD_UNIT", "_HOSTNAME", "PRIORITY", "SYSLOG_IDENTIFIER", "MESSAGE");
        assertThat(first.text("MESSAGE")).isEqualTo("GET /index.html 200");
        assertThat(first.text("__REALTIME_TIMESTAMP")).isEqualTo("1700000000123456");
        assertThat(second.cursor()).contains(";i=2;");
        assertThat(second.text("MESSAGE")).isEqualTo("Traceback (most recent call last):\n  File \"app.py\", line 1\nValueError: €");
        assertThat(second.fields()).filteredOn(field -> field.name().equals("MESSAGE")).singleElement()
                .satisfies(field -> assertThat(field.binary()).isTrue());
        assertThat(second.value("DUMP")).containsExactly(0, 1, 2, 0xff, 0xfe, 10);
        assertThat(second.fields()).filteredOn(field -> field.name().equals("TAG")).extracting(JournalEntry.Field::text)
                .containsExactly("one", "two");
        assertThat(second.sizeInBytes()).isEqualTo(second.fields().stream()
                .mapToInt(field -> field.name().length() + field.value().length).sum());
    }

    @Test
    void aValueMayHoldEqualsSignsAndBeEmpty() throws IOException {
        byte[] export = new ExportWriter().text("A", "x=y=z").text("B", "").binary("C", new byte[0]).end().bytes();

        JournalEntry entry = new ExportParser(new ByteArrayInputStream(export), 3).next();

        assertThat(entry.text("A")).isEqualTo("x=y=z");
        assertThat(entry.text("B")).isEmpty();
        assertThat(entry.value("C")).isEmpty();
    }

    @Test
    void aLongTextValueSpansManyBufferFills() throws IOException {
        String longText = "x".repeat(100_000);
        byte[] export = new ExportWriter().text("MESSAGE", longText).end().text("MESSAGE", "next").end().bytes();
        ExportParser parser = new ExportParser(new ByteArrayInputStream(export), 1000);

        assertThat(parser.next().text("MESSAGE")).isEqualTo(longText);
        assertThat(parser.next().text("MESSAGE")).isEqualTo("next");
    }

    @Test
    void outputThatEndsInsideAnEntryIsAnError() throws IOException {
        byte[] export = new ExportWriter().text("MESSAGE", "whole").end().binary("MESSAGE", "cut".getBytes(StandardCharsets.UTF_8)).bytes();
        ExportParser parser = new ExportParser(new ByteArrayInputStream(Arrays.copyOf(export, export.length - 2)), 16);

        assertThat(parser.next().text("MESSAGE")).isEqualTo("whole");
        assertThatThrownBy(parser::next).isInstanceOf(EOFException.class)
                .hasMessage("journalctl's output ended inside a binary field");
    }

    @Test
    void aBinaryValueWithoutItsNewlineIsNotExportFormat() {
        byte[] export = new ExportWriter().binary("DATA", new byte[] {1, 2}).end().bytes();
        export[export.length - 2] = 'x';

        assertThatThrownBy(() -> new ExportParser(new ByteArrayInputStream(export), 64).next())
                .isInstanceOf(ExportParser.MalformedExportException.class)
                .hasMessage("journalctl's output is not export format: field DATA does not end with a newline after its 2 bytes");
    }

    @Test
    void anAbsurdBinaryLengthIsNotExportFormat() {
        byte[] export = new ExportWriter().binary("DATA", new byte[0]).end().bytes();
        export[5 + 7] = (byte) 0x7f;

        assertThatThrownBy(() -> new ExportParser(new ByteArrayInputStream(export), 64).next())
                .isInstanceOf(ExportParser.MalformedExportException.class)
                .hasMessageContaining("field DATA claims 9151314442816847872 bytes");
    }

    private static List<String> names(JournalEntry entry) {
        List<String> names = new ArrayList<>();
        entry.fields().forEach(field -> names.add(field.name()));
        return names;
    }
}
