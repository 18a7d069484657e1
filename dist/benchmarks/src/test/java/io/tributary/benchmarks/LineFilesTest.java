package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesNumberedLinesOfExactlyTheRecordSize() throws Exception {
        Path file = dir.resolve("lines.log");

        LineFiles.write(file, 1000, 100);

        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        assertThat(Files.size(file)).isEqualTo(1000 * 101);
        assertThat(lines).hasSize(1000).allSatisfy(line -> assertThat(line).hasSize(100));
        assertThat(lines.get(0)).startsWith("0 ");
        assertThat(lines.get(999)).startsWith("999 ");
        assertThat(lines).doesNotHaveDuplicates();
    }

    @Test
    void syslogMessagesAreRfc5424LinesOfTwoHundredBytes() {
        byte[] message = SyslogCase.message(42);

        assertThat(message).hasSize(200);
        assertThat(new String(message, StandardCharsets.US_ASCII))
                .startsWith("<134>1 2024-05-01T12:00:00.000Z web-1 checkout 4242 ORDER - message 42 ")
                .endsWith("\n")
                .containsOnlyOnce("\n");
    }

    @Test
    void theNumberOfASyslogMessageIsReadBackFromItsJsonRecord() {
        byte[] json = ("{\"timestamp\":\"2024-05-01T12:00:00.000Z\",\"hostname\":\"web-1\",\"msgid\":\"ORDER\","
                + "\"structured_data\":{},\"message\":\"message 1234567 lmnop\",\"peer\":\"127.0.0.1:40000\"}")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(UdpLossCase.messageNumber(json)).isEqualTo(1234567);
        assertThat(UdpLossCase.messageNumber("{\"message\":\"hello\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }
}
