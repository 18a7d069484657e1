package io.tributary.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.config.AgentConfig;
import io.tributary.agent.config.ConfigLoader;
import io.tributary.agent.config.InterceptorConfig;
import io.tributary.agent.config.LoadResult;
import io.tributary.agent.config.SourceConfig;
import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.agent.plugin.PluginRegistry;
import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import java.io.StringReader;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * config/tributary.yaml says of every setting not marked "example" or "not the default" that its
 * value is the default: each is compared with the default the code passes when it reads the
 * setting, the agent's and every built-in plugin's, and every setting the code reads must be in
 * the file, set or in a comment.
 */
class ReferenceDefaultsIT {
    private static final Path REFERENCE = Command.TREE.resolve("config/tributary.yaml");
    /** Markers after a setting whose value is not its default; they cover the settings under it too. */
    private static final List<String> NOT_DEFAULT_MARKERS = List.of("# example", "# not the default");

    @Test
    void everyDefaultTheReferenceShowsIsTheCodesAndEverySettingTheCodeReadsIsInIt(@TempDir Path folder) throws Exception {
        String text = Files.readString(REFERENCE);
        Set<String> documented = documentedDefaults(text);
        LoadResult loaded = ConfigLoader.load(REFERENCE, Map.of("HOSTNAME", "reference"));
        assertThat(loaded.errors()).isEmpty();
        AgentConfig reference = loaded.config();
        AgentConfig defaults = ConfigLoader.load(Files.writeString(folder.resolve("minimal.yaml"),
                "kafka:\n  bootstrap_servers: localhost:9092\n"), Map.of("HOSTNAME", "reference")).config();

        List<String> problems = new ArrayList<>();
        compareRecord("agent", reference.agent(), defaults.agent(), documented, problems);
        compareRecord("logging", reference.logging(), defaults.logging(), documented, problems);
        Set<String> read = new TreeSet<>();
        try (PluginRegistry plugins = PluginRegistry.load(reference.agent().pluginsDir(), folder.resolve("plugins"))) {
            for (SourceConfig source : reference.sources().values()) {
                String path = "sources." + source.name();
                compare(path + ".on_error", source.onError(), SourceConfig.DEFAULT_ON_ERROR, documented, problems);
                compare(path + ".dead_letter_topic", source.deadLetterTopic(), SourceConfig.DEFAULT_DEAD_LETTER_TOPIC, documented, problems);
                var type = plugins.sourceType(source.type()).orElseThrow();
                SourceTask task = LoaderSwap.call(type.loader(),
                        () -> type.extension().create(new Recording(source.settings(), documented, problems, read)));
                task.close();
            }
            for (InterceptorConfig interceptor : reference.interceptors()) {
                var type = plugins.interceptorType(interceptor.type()).orElseThrow();
                LoaderSwap.call(type.loader(), () -> type.extension().create(
                        new Recording(interceptor.settings(), documented, problems, read))).close();
            }
        }
        for (String key : read) {
            String name = key.substring(key.lastIndexOf('.') + 1);
            if (!Pattern.compile("(?m)(^|[\\s#{,])" + Pattern.quote(name) + ":").matcher(text).find()) {
                problems.add(key + ": read by the code, missing from the reference");
            }
        }
        assertThat(problems).isEmpty();
    }

    /** The paths of the settings whose value the file gives as their default. */
    private static Set<String> documentedDefaults(String text) {
        List<String> lines = text.lines().toList();
        Set<String> paths = new TreeSet<>();
        collect(new Yaml().compose(new StringReader(text)), "", lines, paths);
        return paths;
    }

    private static void collect(Node node, String path, List<String> lines, Set<String> paths) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple entry : mapping.getValue()) {
                String key = ((ScalarNode) entry.getKeyNode()).getValue();
                String line = lines.get(entry.getKeyNode().getStartMark().getLine());
                if (NOT_DEFAULT_MARKERS.stream().anyMatch(line::contains)) {
                    continue;
                }
                String child = path.isEmpty() ? key : path + "." + key;
                if (entry.getValueNode() instanceof ScalarNode || entry.getValueNode() instanceof SequenceNode
                        && ((SequenceNode) entry.getValueNode()).getValue().stream().allMatch(ScalarNode.class::isInstance)) {
                    paths.add(child);
                } else {
                    collect(entry.getValueNode(), child, lines, paths);
                }
            }
        } else if (node instanceof SequenceNode sequence) {
            for (int index = 0; index < sequence.getValue().size(); index++) {
                collect(sequence.getValue().get(index), path + "[" + index + "]", lines, paths);
            }
        }
    }

    /** Compares the components of a bound section named like its keys (commit_interval, commitInterval). */
    private static void compareRecord(String section, Record reference, Record defaults, Set<String> documented,
                                      List<String> problems) throws ReflectiveOperationException {
        for (RecordComponent component : reference.getClass().getRecordComponents()) {
            String key = section + "." + component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
            compare(key, component.getAccessor().invoke(reference), component.getAccessor().invoke(defaults), documented, problems);
        }
    }

    private static void compare(String path, Object shown, Object codeDefault, Set<String> documented, List<String> problems) {
        if (documented.contains(path) && !Objects.equals(shown, codeDefault)) {
            problems.add(path + ": the reference shows " + shown + ", the code's default is " + codeDefault);
        }
    }

    /** Settings that compare what each getter returns for a documented setting with the default it was given. */
    private record Recording(Settings settings, Set<String> documented, List<String> problems, Set<String> read)
            implements Settings {

        private <T> T check(String key, T shown, T codeDefault) {
            String path = path() + "." + key;
            read.add(path);
            compare(path, shown, codeDefault, documented, problems);
            return shown;
        }

        private <T> T note(String key, T value) {
            read.add(path() + "." + key);
            return value;
        }

        @Override
        public String path() {
            return settings.path();
        }

        @Override
        public boolean has(String key) {
            return note(key, settings.has(key));
        }

        @Override
        public String getString(String key, String defaultValue) {
            return check(key, settings.getString(key, defaultValue), defaultValue);
        }

        @Override
        public String getRequiredString(String key) {
            return note(key, settings.getRequiredString(key));
        }

        @Override
        public String getChoice(String key, String defaultValue, String... allowed) {
            return check(key, settings.getChoice(key, defaultValue, allowed), defaultValue);
        }

        @Override
        public int getInt(String key, int defaultValue) {
            return check(key, settings.getInt(key, defaultValue), defaultValue);
        }

        @Override
        public long getLong(String key, long defaultValue) {
            return check(key, settings.getLong(key, defaultValue), defaultValue);
        }

        @Override
        public boolean getBoolean(String key, boolean defaultValue) {
            return check(key, settings.getBoolean(key, defaultValue), defaultValue);
        }

        @Override
        public Duration getDuration(String key, Duration defaultValue) {
            return check(key, settings.getDuration(key, defaultValue), defaultValue);
        }

        @Override
        public long getSize(String key, long defaultValue) {
            return check(key, settings.getSize(key, defaultValue), defaultValue);
        }

        @Override
        public Pattern getPattern(String key) {
            return note(key, settings.getPattern(key));
        }

        @Override
        public Path configFolder() {
            return settings.configFolder();
        }

        @Override
        public Path getPath(String key, Path defaultValue) {
            return check(key, settings.getPath(key, defaultValue),
                    defaultValue == null ? null : settings.configFolder().resolve(defaultValue));
        }

        @Override
        public List<String> getStringList(String key, List<String> defaultValue) {
            return check(key, settings.getStringList(key, defaultValue), defaultValue);
        }

        @Override
        public Map<String, String> getStringMap(String key) {
            return note(key, settings.getStringMap(key));
        }

        @Override
        public Settings getSection(String key) {
            return new Recording(note(key, settings.getSection(key)), documented, problems, read);
        }

        @Override
        public Map<String, Object> asMap() {
            return settings.asMap();
        }

        @Override
        public void error(String key, String message) {
            settings.error(key, message);
        }
    }
}
