package io.tributary.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program to its end and keeps what it printed. */
record Command(int exitCode, String out, String err) {

    static final Path TREE = Path.of(System.getProperty("tributary.tree"));
    static final Path TARBALL = Path.of(System.getProperty("tributary.tarball"));
    static final Path DEB = Path.of(System.getProperty("tributary.deb"));
    static final Path REPOSITORY = Path.of(System.getProperty("tributary.repository"));
    static final String VERSION = System.getProperty("tributary.version");

    static Command run(List<String> command) {
        return run(command, Map.of());
    }

    static Command run(List<String> command, Map<String, String> environment) {
        try {
            Path out = Files.createTempFile("command", ".out");
            Path err = Files.createTempFile("command", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not end within 120 s");
            }
            Command result = new Command(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fails with everything the program printed unless it exited with 0. */
    Command succeeded() {
        if (exitCode != 0) {
            throw new AssertionError("exit code " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err);
        }
        return this;
    }
}
