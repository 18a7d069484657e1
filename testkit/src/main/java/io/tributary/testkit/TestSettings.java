package io.tributary.testkit;

import io.tributary.api.Settings;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plugin's {@link Settings} from a YAML snippet, read exactly as the agent reads a source's or an
 * interceptor's entry, for unit tests of a plugin's settings: errors come out as the agent prints
 * them, {@code <settings>:LINE:COL: yaml.path: message}, unknown keys with their "did you mean".
 *
 * <pre>{@code
 * TestSettings settings = TestSettings.parse("""
 *         topic: logs
 *         max_line_bytes: lots
 *         """);
 * new FileSourceType().create(settings.settings());
 * assertThat(settings.errors()).containsExactly(
 *         "<settings>:2:1: max_line_bytes: must be a size like 1MiB, got \"lots\"");
 * }</pre>
 *
 * <p>The agent must be on the test class path (a test dependency on {@code tributary-agent}), as for
 * {@link TestAgent}; the plugin's own code never sees it.
 */
public final class TestSettings {
    private static final String YAML_SETTINGS = "io.tributary.agent.config.YamlSettings";
    private static final String SOURCE_CONFIG = "io.tributary.agent.config.SourceConfig";

    private final Settings settings;

    private TestSettings(Settings settings) {
        this.settings = settings;
    }

    /**
     * Settings over the YAML mapping {@code yaml}; {@code ${NAME}} reads the process environment and
     * relative paths resolve against the current directory.
     *
     * @throws IllegalArgumentException when {@code yaml} is not valid YAML, saying where
     */
    public static TestSettings parse(String yaml) {
        return new TestSettings((Settings) invoke(agentClass(YAML_SETTINGS), "parse", new Class<?>[] {String.class},
                null, yaml));
    }

    /** Like {@link #parse(String)}, with {@code ${NAME}} reading {@code environment}. */
    public static TestSettings parse(String yaml, Map<String, String> environment) {
        return new TestSettings((Settings) invoke(agentClass(YAML_SETTINGS), "parse",
                new Class<?>[] {String.class, Map.class}, null, yaml, environment));
    }

    /** What to hand to {@code SourceType.create} or {@code InterceptorType.create}. */
    public Settings settings() {
        return settings;
    }

    /**
     * Every error, in file order, once the plugin read its settings: those its getters and
     * {@link Settings#error} recorded, and every key it never read, reported as unknown.
     */
    public List<String> errors() {
        List<?> errors = (List<?>) invoke(settings.getClass(), "finish", new Class<?>[0], settings);
        return errors.stream().map(Object::toString).toList();
    }

    /**
     * The keys the agent reads itself from every entry under {@code sources:}, each with its default
     * as written in YAML: a plugin's sample shows them, though its settings never see them.
     */
    public static Map<String, String> agentSourceDefaults() {
        Class<?> sourceConfig = agentClass(SOURCE_CONFIG);
        try {
            Object onError = sourceConfig.getField("DEFAULT_ON_ERROR").get(null);
            Map<String, String> defaults = new LinkedHashMap<>();
            defaults.put("on_error", (String) invoke(onError.getClass(), "yamlName", new Class<?>[0], onError));
            defaults.put("dead_letter_topic", (String) sourceConfig.getField("DEFAULT_DEAD_LETTER_TOPIC").get(null));
            return defaults;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this tributary-agent does not match the testkit: " + e, e);
        }
    }

    private static Class<?> agentClass(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("TestSettings reads settings as the agent does: add a test dependency on"
                    + " tributary-agent (" + name + " is not on the class path)", e);
        }
    }

    private static Object invoke(Class<?> type, String method, Class<?>[] parameters, Object target, Object... arguments) {
        try {
            Method found = type.getMethod(method, parameters);
            return found.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(type.getSimpleName() + "." + method + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this tributary-agent does not match the testkit: " + e, e);
        }
    }
}
