package io.tributary.benchmarks;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of equally long text lines, as the file cases read them. */
final class LineFiles {
    private static final byte[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
            .getBytes(StandardCharsets.US_ASCII);

    private LineFiles() {
    }

    /**
     * Writes {@code count} lines of exactly {@code lineBytes} bytes each (without the "\n" that ends
     * each): the line's number, then varied letters so that the lines do not compress to nothing.
     */
    static void write(Path file, int count, int lineBytes) {
        byte[] line = new byte[lineBytes + 1];
        line[lineBytes] = '\n';
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (int number = 0; number < count; number++) {
                fill(line, lineBytes, number);
                out.write(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void fill(byte[] line, int lineBytes, long number) {
        byte[] prefix = (number + " ").getBytes(StandardCharsets.US_ASCII);
        if (prefix.length > lineBytes) {
            throw new IllegalArgumentException("line " + number + " does not fit in " + lineBytes + " bytes");
        }
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        long seed = (number + 1) * 0x9E3779B97F4A7C15L;
        for (int i = prefix.length; i < lineBytes; i++) {
            seed ^= seed << 13;
            seed ^= seed >>> 7;
            seed ^= seed << 17;
            line[i] = ALPHABET[(int) Math.floorMod(seed, (long) ALPHABET.length)];
        }
    }
}
