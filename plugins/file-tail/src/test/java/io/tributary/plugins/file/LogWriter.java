package io.tributary.plugins.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Appends unique lines of {@value #LINE_BYTES} bytes to one log file the way an application does,
 * and rotates it the two ways logrotate does, keeping every rotated file.
 *
 * <p>A line is {@code <name> g<generation> s<sequence> ....}: the sequence counts the lines of the
 * file from 0, the generation counts the files they went to (each rotation starts one). As lines
 * have a fixed width, the byte offset of each is known, so what arrives in Kafka can be checked line
 * by line, header by header.
 *
 * <p>Methods are synchronized: a rotation run by another thread (real logrotate) never lands in the
 * middle of a batch of lines.
 */
final class LogWriter {
    static final int LINE_BYTES = 100;
    static final Pattern LINE = Pattern.compile("(\\S+) g(\\d{3}) s(\\d{8}) \\.+");

    /** Code that rotates the file from outside, such as a run of logrotate. */
    interface Rotation {
        void run() throws IOException;
    }

    final String name;
    final Path path;
    private final List<Long> generationStarts = new ArrayList<>();
    private OutputStream out;
    private long written;

    LogWriter(Path dir, String name) throws IOException {
        this.name = name;
        this.path = dir.resolve(name + ".log");
        open();
    }

    /** The text of line {@code sequence} of generation {@code generation}, without its newline. */
    static String line(String name, int generation, long sequence) {
        String head = "%s g%03d s%08d ".formatted(name, generation, sequence);
        return head + ".".repeat(LINE_BYTES - 1 - head.length());
    }

    /** Appends {@code count} lines in one write, as a buffered logger flushing does. */
    synchronized void append(int count) throws IOException {
        StringBuilder batch = new StringBuilder(count * LINE_BYTES);
        int generation = generation();
        for (int i = 0; i < count; i++) {
            batch.append(line(name, generation, written + i)).append('\n');
        }
        out.write(batch.toString().getBytes(StandardCharsets.US_ASCII));
        written += count;
    }

    synchronized long written() {
        return written;
    }

    /** The sequence of the first line of each generation: the line at offset 0 of its file. */
    synchronized List<Long> generationStarts() {
        return List.copyOf(generationStarts);
    }

    /**
     * Step one of a logrotate {@code create} rotation: shifts {@code name.log.N} to
     * {@code name.log.N+1} and renames the file to {@code name.log.1}. Lines go on to the renamed file
     * until {@link #reopen()}, as in an application that has not had its SIGHUP yet.
     */
    synchronized void renameToRotated() throws IOException {
        shiftRotated();
        Files.move(path, rotated(1));
    }

    /** Closes the file and creates it anew: the application's answer to logrotate's postrotate SIGHUP. */
    synchronized void reopen() throws IOException {
        out.close();
        open();
    }

    /**
     * A logrotate {@code copytruncate} rotation with the writer held still from the copy to the
     * truncate: lines written in between would be lost by any tailer, because the copy no longer
     * gets them and the truncate wipes them.
     */
    synchronized void copyTruncate() throws IOException {
        copyTruncatedBy(() -> {
            shiftRotated();
            Files.copy(path, rotated(1));
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
        });
    }

    /**
     * Runs {@code rotation}, which copies and truncates the file (logrotate {@code copytruncate}),
     * with the writer held still. The open file appends, so the next line lands at offset 0.
     */
    synchronized void copyTruncatedBy(Rotation rotation) throws IOException {
        rotation.run();
        if (Files.size(path) != 0) {
            throw new IllegalStateException(path + " was not truncated by the rotation: " + Files.size(path) + " bytes");
        }
        generationStarts.add(written);
    }

    synchronized void close() throws IOException {
        out.close();
    }

    Path rotated(int number) {
        return path.resolveSibling(path.getFileName() + "." + number);
    }

    /** The parts of a line this class wrote, or null when {@code value} is no such line. */
    static Matcher parse(String value) {
        Matcher matcher = LINE.matcher(value);
        return matcher.matches() && value.length() == LINE_BYTES - 1 ? matcher : null;
    }

    private int generation() {
        return generationStarts.size() - 1;
    }

    private void open() throws IOException {
        out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        generationStarts.add(written);
    }

    private void shiftRotated() throws IOException {
        int highest = 1;
        while (Files.exists(rotated(highest))) {
            highest++;
        }
        for (int number = highest - 1; number >= 1; number--) {
            Files.move(rotated(number), rotated(number + 1));
        }
    }
}
