package io.tributary.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A throwaway installation made from the built tree: bin and config copied, lib and plugins linked,
 * so that a test's data/ starts empty and leaves the tree's own alone.
 */
final class TreeCopy implements AutoCloseable {
    private static final String AGENT_OUTPUT = "agent.out";
    final Path home;

    TreeCopy() {
        try {
            home = Files.createTempDirectory("tributary-tree-");
            for (String folder : new String[] {"bin", "config"}) {
                Files.createDirectories(home.resolve(folder));
                try (Stream<Path> files = Files.list(Command.TREE.resolve(folder))) {
                    for (Path file : files.toList()) {
                        Files.copy(file, home.resolve(folder).resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            Files.createSymbolicLink(home.resolve("lib"), Command.TREE.resolve("lib"));
            Files.createSymbolicLink(home.resolve("plugins"), Command.TREE.resolve("plugins"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path resolve(String path) {
        return home.resolve(path);
    }

    /**
     * Writes {@code config/agent.yaml}: agent {@code id} on the tree's plugins and data, sending the lines of
     * {@code data/in/*.log} (read from their beginning) to {@code topic} through {@code bootstrapServers}.
     */
    Path writeFileSourceConfig(String id, String bootstrapServers, String topic) throws IOException {
        Path input = Files.createDirectories(resolve("data/in"));
        return Files.writeString(resolve("config/agent.yaml"), """
                agent:
                  id: %s
                  plugins_dir: ../plugins
                  data_dir: ../data
                kafka:
                  bootstrap_servers: %s
                sources:
                  lines:
                    type: file
                    topic: %s
                    include: ["%s/*.log"]
                    read_from: beginning
                """.formatted(id, bootstrapServers, topic, input));
    }

    /**
     * Starts {@code bin/tributary run --config config} with {@code environment} added to this process's,
     * its output and errors going to {@link #agentOutput()}.
     */
    Process startAgent(Path config, Map<String, String> environment) throws IOException {
        return startAgent(List.of(), config, environment);
    }

    /** As {@link #startAgent(Path, Map)}, through {@code launcher}, a command such as {@code env --ignore-signal=HUP}. */
    Process startAgent(List<String> launcher, Path config, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(resolve("bin/tributary").toString(), "run", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(resolve(AGENT_OUTPUT).toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** What the agent of {@link #startAgent} printed so far. */
    String agentOutput() {
        try {
            return Files.readString(resolve(AGENT_OUTPUT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> paths = Files.walk(home)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
