package io.tributary.plugins.file;

import io.tributary.testkit.KafkaReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Checks what a {@code read_committed} consumer got from files written by {@link LogWriter}s: every
 * line exactly once, the lines of each file in the order written, each with the headers naming its
 * source, its file and its byte offset there.
 *
 * <p>Failures list the first problems found rather than two lists of 100,000 lines.
 */
final class DeliveredLines {
    private static final int SHOWN_PROBLEMS = 20;

    private DeliveredLines() {
    }

    /** Throws an AssertionError describing every kind of problem found, or returns. */
    static void assertEveryLineOnceInOrder(List<ConsumerRecord<byte[], byte[]>> records, String sourceName,
                                           List<LogWriter> writers) {
        assertEveryLineOnceInOrder(records, sourceName, writers, null);
    }

    /** As {@link #assertEveryLineOnceInOrder(List, String, List)}, the error beginning with {@code description}. */
    static void assertEveryLineOnceInOrder(List<ConsumerRecord<byte[], byte[]>> records, String sourceName,
                                           List<LogWriter> writers, String description) {
        Map<String, LogWriter> byName = new HashMap<>();
        Map<String, List<Long>> generationStarts = new HashMap<>();
        Map<String, BitSet> seen = new HashMap<>();
        Map<String, Long> lastSequence = new HashMap<>();
        for (LogWriter writer : writers) {
            byName.put(writer.name, writer);
            generationStarts.put(writer.name, writer.generationStarts());
            seen.put(writer.name, new BitSet());
        }
        List<String> problems = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String value = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
            Matcher line = value == null ? null : LogWriter.parse(value);
            LogWriter writer = line == null ? null : byName.get(line.group(1));
            if (writer == null) {
                problems.add("offset " + record.offset() + ": a line no writer wrote: " + value);
                continue;
            }
            int generation = Integer.parseInt(line.group(2));
            long sequence = Long.parseLong(line.group(3));
            if (seen.get(writer.name).get((int) sequence)) {
                problems.add("offset " + record.offset() + ": duplicate " + value);
            }
            seen.get(writer.name).set((int) sequence);
            String generationKey = writer.name + " g" + generation;
            Long previous = lastSequence.put(generationKey, sequence);
            if (previous != null && previous >= sequence) {
                problems.add("offset " + record.offset() + ": " + generationKey + " s" + sequence
                        + " arrived after s" + previous);
            }
            List<Long> starts = generationStarts.get(writer.name);
            if (generation >= starts.size()) {
                problems.add("offset " + record.offset() + ": generation " + generation + " was never written: " + value);
                continue;
            }
            long expectedOffset = (sequence - starts.get(generation)) * LogWriter.LINE_BYTES;
            checkHeaders(record, sourceName, writer, sequence, expectedOffset, problems);
        }
        for (LogWriter writer : writers) {
            BitSet lines = seen.get(writer.name);
            int missing = (int) writer.written() - lines.cardinality();
            if (missing > 0) {
                int first = lines.nextClearBit(0);
                problems.add(writer.name + ": " + missing + " of " + writer.written() + " lines missing, the first s" + first);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError((description == null ? "" : "[" + description + "] ")
                    + problems.size() + " problems in " + records.size() + " records, the first "
                    + Math.min(SHOWN_PROBLEMS, problems.size()) + ":\n"
                    + String.join("\n", problems.subList(0, Math.min(SHOWN_PROBLEMS, problems.size()))));
        }
    }

    private static void checkHeaders(ConsumerRecord<byte[], byte[]> record, String sourceName, LogWriter writer,
                                     long sequence, long expectedOffset, List<String> problems) {
        String where = "offset " + record.offset() + " (" + writer.name + " s" + sequence + "): ";
        String source = KafkaReader.header(record, LineRecords.SOURCE_HEADER);
        if (!sourceName.equals(source)) {
            problems.add(where + LineRecords.SOURCE_HEADER + " is " + source + ", expected " + sourceName);
        }
        String path = KafkaReader.header(record, LineRecords.PATH_HEADER);
        if (path == null || !path.startsWith(writer.path.toString())) {
            problems.add(where + LineRecords.PATH_HEADER + " is " + path + ", expected " + writer.path + " or a rotated name");
        }
        String offset = KafkaReader.header(record, LineRecords.OFFSET_HEADER);
        if (!Long.toString(expectedOffset).equals(offset)) {
            problems.add(where + LineRecords.OFFSET_HEADER + " is " + offset + ", expected " + expectedOffset);
        }
    }
}
