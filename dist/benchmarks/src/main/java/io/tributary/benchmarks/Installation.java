package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tributary as the Debian package installs it, run by its own {@code bin/tributary}: a copy of the
 * tree that {@code mvn -pl dist -am package} builds ({@code dist/target/tributary-<version>/}),
 * made once per session, without {@code lib/embedded}, so that the script gives it the package's
 * 128 MiB heap and no embedded broker. The script sets its JVM options and environment itself.
 */
final class Installation {
    /** Where bin/tributary keeps its class-data sharing archive, which the first graceful stop writes. */
    private static final String ARCHIVE = "lib/cds";
    private static final String EMBEDDED = "lib/embedded";
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(45);
    private static final Duration STALL = Duration.ofSeconds(60);

    private final Path tree;
    private final Path home;
    private boolean copied;
    private boolean restartPrepared;

    /**
     * @param tree the tree the dist module built
     * @param home where the copy goes
     */
    Installation(Path tree, Path home) {
        this.tree = tree;
        this.home = home;
    }

    /** The tree that {@code harnessHome} (dist/benchmarks/target) has beside it in dist/target, copied into {@code workDir}. */
    static Installation besideHarness(Path harnessHome, Path workDir) {
        String name = "tributary-" + Machine.tributaryVersion();
        return new Installation(harnessHome.resolve("../../target").resolve(name).normalize(), workDir.resolve(name));
    }

    /** Says in the report's header how the cases run it, and which rsyslog they compare it with. */
    void describe(Report report) {
        report.describe("Installed agent", "a copy of " + tree + " without " + EMBEDDED + " and " + ARCHIVE + " (the Debian package's "
                + "layout: 128 MiB heap, no embedded broker), started by its bin/tributary with JAVA_HOME="
                + System.getProperty("java.home")
                + ", the JVM options and environment being the script's");
        report.describe("rsyslog", SyslogCase.rsyslogVersion());
    }

    Path plugins() {
        return home().resolve("plugins");
    }

    /** Starts {@code bin/tributary} with {@code args}, its output in {@code log}. */
    Child start(String name, Path log, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(home().resolve("bin/tributary").toString());
        command.addAll(args);
        return Child.start(name, log, command, Map.of("JAVA_HOME", System.getProperty("java.home")));
    }

    /** Whether bin/tributary has a class-data sharing archive (a file under lib/cds). */
    boolean hasArchive() {
        Path archive = home().resolve(ARCHIVE);
        if (!Files.isDirectory(archive)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(archive)) {
            return files.anyMatch(Files::isRegularFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + archive, e);
        }
    }

    /**
     * Puts lib/cds back as the package installs it: empty. The built tree may hold an archive that its
     * integration tests' runs wrote, which a fresh installation never has.
     */
    void removeArchive() {
        Benchmarks.deleteRecursively(home().resolve(ARCHIVE));
    }

    /**
     * Makes it an installation that ran before, as a restarted agent's is: unless it has an archive
     * already, runs the agent once (one line of a file into a topic) and stops it gracefully, which
     * is when bin/tributary writes its archive. Once per session: a script that writes none is not
     * run again.
     */
    void prepareRestart(Session session) {
        if (restartPrepared || hasArchive()) {
            return;
        }
        restartPrepared = true;
        String name = "installation-first-run";
        String topic = "bench-" + name;
        Path dir = session.runDir(name);
        Path file = dir.resolve("app.log");
        LineFiles.write(file, 1, 100);
        session.topics().create(topic);
        Path config = Agent.writeConfig(session, plugins(), dir, "bench-" + name, Map.of(), Map.of(),
                defaultFileSource(topic, file));
        try (Child agent = start(name, dir.resolve("output.log"), List.of("run", "--config", config.toString()))) {
            session.topics().await(topic, 1, STALL);
            agent.stopGracefully(GRACEFUL_STOP);
        } finally {
            session.topics().delete(topic);
        }
    }

    /** Stops an agent started by {@link #start} with SIGTERM and waits for it to exit cleanly (and write its archive). */
    static void stop(Child agent) {
        agent.stopGracefully(GRACEFUL_STOP);
    }

    /** The sources: section of a file source at its defaults (read_from: beginning, headers on), reading {@code file} into {@code topic}. */
    static String defaultFileSource(String topic, Path file) {
        return """
                sources:
                  lines:
                    type: file
                    topic: %s
                    include: ["%s"]
                """.formatted(topic, file);
    }

    private synchronized Path home() {
        if (!copied) {
            if (!Files.isDirectory(tree.resolve("bin"))) {
                throw new IllegalStateException("no installed tree at " + tree
                        + ": build it first with mvn -B -q -o -pl dist -am package -DskipTests");
            }
            Benchmarks.deleteRecursively(home);
            copy(tree, home);
            Benchmarks.deleteRecursively(home.resolve(EMBEDDED));
            Benchmarks.deleteRecursively(home.resolve(ARCHIVE));
            copied = true;
        }
        return home;
    }

    /** Copies {@code from} to {@code to} with the files' permissions (bin/tributary stays executable); nothing when {@code from} is absent. */
    private static void copy(Path from, Path to) {
        if (!Files.exists(from)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }
}
