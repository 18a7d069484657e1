package io.tributary.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The settings of one source or interceptor entry of the YAML file, with typed getters that check
 * as they read.
 *
 * <p>A getter that meets a bad value records an error naming the file, line, YAML path and the value
 * as written, and returns the default; it never throws. Every key read counts as known: after
 * {@link SourceType#create} the agent reports every key that was never read as unknown, with a
 * "did you mean" when a read key is close. Values substituted from {@code ${file:...}} or the
 * environment are never printed; errors quote the text as written in the file.
 *
 * <p>Sizes are written like {@code 512KiB}, {@code 1MiB}, {@code 100} (bytes); durations like
 * {@code 250ms}, {@code 5s}, {@code 1m}, {@code 1h}.
 */
public interface Settings {

    /** The YAML path of these settings, e.g. {@code sources.app-logs}. */
    String path();

    /** True when {@code key} is present (and marks it as known). */
    boolean has(String key);

    /** A string, or {@code defaultValue} when absent. */
    String getString(String key, String defaultValue);

    /** A string that must be present and not empty; records an error and returns null otherwise. */
    String getRequiredString(String key);

    /** One of {@code allowed} (compared exactly), or {@code defaultValue} when absent. */
    String getChoice(String key, String defaultValue, String... allowed);

    int getInt(String key, int defaultValue);

    long getLong(String key, long defaultValue);

    boolean getBoolean(String key, boolean defaultValue);

    /** A duration such as {@code 250ms} or {@code 5s}. */
    Duration getDuration(String key, Duration defaultValue);

    /** A size in bytes such as {@code 512KiB} or {@code 1MiB}. */
    long getSize(String key, long defaultValue);

    /** A regular expression, compiled; {@code null} when absent. */
    Pattern getPattern(String key);

    /**
     * The folder of the config file, against which relative paths resolve: for settings a plugin
     * resolves itself, such as a list of globs.
     */
    Path configFolder();

    /** A path; relative paths resolve against the folder of the config file. */
    Path getPath(String key, Path defaultValue);

    /** A list of strings; a single string is taken as a list of one. */
    List<String> getStringList(String key, List<String> defaultValue);

    /** A map of string to string (e.g. headers to add); empty when absent. */
    Map<String, String> getStringMap(String key);

    /** A nested section; empty settings when absent. */
    Settings getSection(String key);

    /** Every key and value as plain Java objects (strings, numbers, booleans, lists, maps); marks all keys known. */
    Map<String, Object> asMap();

    /** Records an error about {@code key}, located at that key (or at this section when absent). */
    void error(String key, String message);
}
