package io.tributary.plugins.file;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The integration tests' checker finds what it must: a checker that passes everything proves nothing. */
class DeliveredLinesTest {
    @TempDir
    Path logs;

    @Test
    void linesDeliveredOnceInOrderWithTheirOffsetsPass() throws IOException {
        LogWriter writer = writerOf3Then2AfterCopytruncate();

        assertThatCode(() -> DeliveredLines.assertEveryLineOnceInOrder(List.of(
                record(0, writer, 0, 0, 0), record(1, writer, 0, 1, 100), record(2, writer, 0, 2, 200),
                record(3, writer, 1, 3, 0), record(4, writer, 1, 4, 100)), "app-logs", List.of(writer)))
                .doesNotThrowAnyException();
    }

    @Test
    void duplicatesGapsDisorderAndWrongOffsetsAreReported() throws IOException {
        LogWriter writer = writerOf3Then2AfterCopytruncate();

        assertThatThrownBy(() -> DeliveredLines.assertEveryLineOnceInOrder(List.of(
                record(0, writer, 0, 1, 100), record(1, writer, 0, 0, 0), record(2, writer, 0, 1, 100),
                record(3, writer, 1, 4, 0)), "app-logs", List.of(writer)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("""
                        4 problems in 4 records, the first 4:
                        offset 1: app g0 s0 arrived after s1
                        offset 2: duplicate %s
                        offset 3 (app s4): tributary.file.offset is 0, expected 100
                        app: 2 of 5 lines missing, the first s2""".formatted(LogWriter.line("app", 0, 1)));
    }

    private LogWriter writerOf3Then2AfterCopytruncate() throws IOException {
        LogWriter writer = new LogWriter(logs, "app");
        writer.append(3);
        writer.copyTruncate();
        writer.append(2);
        writer.close();
        return writer;
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, LogWriter writer, int generation, long sequence,
                                                         long fileOffset) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("logs", 0, offset, null,
                LogWriter.line(writer.name, generation, sequence).getBytes(StandardCharsets.US_ASCII));
        record.headers().add(LineRecords.SOURCE_HEADER, "app-logs".getBytes(StandardCharsets.UTF_8))
                .add(LineRecords.PATH_HEADER, writer.path.toString().getBytes(StandardCharsets.UTF_8))
                .add(LineRecords.OFFSET_HEADER, Long.toString(fileOffset).getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
