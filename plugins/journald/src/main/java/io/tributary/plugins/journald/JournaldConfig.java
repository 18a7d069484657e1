package io.tributary.plugins.journald;

import io.tributary.api.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings of one {@code journald} source, checked. The defaults live here and nowhere else;
 * the module's README and sample.yaml repeat them.
 *
 * @param units        journalctl {@code --unit}s; empty for every unit
 * @param excludeUnits unit names whose entries are skipped, each with its type suffix
 * @param matches      journal field → the values it may have (several fields must all match)
 * @param priority     the least severe priority read, 0 (emerg) to 7 (debug)
 * @param directory    the folder of journal files to read; {@code null} for the system journal
 */
record JournaldConfig(
        String topic,
        List<String> units,
        Set<String> excludeUnits,
        Map<String, List<String>> matches,
        int priority,
        Path directory,
        boolean currentBootOnly,
        ReadFrom readFrom,
        RecordKey key,
        Format format) {

    static final String DEFAULT_PRIORITY = "debug";
    static final String DEFAULT_READ_FROM = "beginning";
    static final String DEFAULT_KEY = "unit";
    static final String DEFAULT_FORMAT = "json";
    static final boolean DEFAULT_CURRENT_BOOT_ONLY = false;
    /** syslog(3)'s level names, by number, as journalctl --priority takes them. */
    static final List<String> PRIORITIES = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");
    /** The stream of the system journal's cursor; a directory's stream is its absolute path. */
    static final String SYSTEM_JOURNAL_STREAM = "system";

    /** Journal field names: upper case letters, digits and underscores, not starting with a digit (sd_journal_add_match). */
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,63}");
    /** The unit types systemd knows; a name without one means a service, as journalctl --unit takes it. */
    private static final Pattern UNIT_SUFFIX =
            Pattern.compile(".*\\.(service|socket|target|device|mount|automount|swap|timer|path|slice|scope)");

    enum ReadFrom { BEGINNING, END }

    enum RecordKey { UNIT, HOSTNAME, NONE }

    enum Format { JSON, MESSAGE }

    /** Reads every key of a {@code journald} source, reporting each problem through {@code settings}. */
    static JournaldConfig read(Settings settings) {
        String topic = settings.getRequiredString("topic");
        List<String> units = readUnits(settings, "units");
        Set<String> excludeUnits = new LinkedHashSet<>(readUnits(settings, "exclude_units"));
        for (String unit : units) {
            if (excludeUnits.contains(unitName(unit))) {
                settings.error("exclude_units", "lists " + unitName(unit) + ", which units reads");
            }
        }
        Map<String, List<String>> matches = readMatches(settings);
        String priority = settings.getChoice("priority", DEFAULT_PRIORITY, PRIORITIES.toArray(String[]::new));
        Path directory = settings.getPath("directory", null);
        if (directory != null && !Files.isDirectory(directory)) {
            settings.error("directory", "is not a folder: " + directory);
        }
        boolean currentBootOnly = settings.getBoolean("current_boot_only", DEFAULT_CURRENT_BOOT_ONLY);
        ReadFrom readFrom = choice(ReadFrom.class, settings.getChoice("read_from", DEFAULT_READ_FROM, "beginning", "end"));
        RecordKey key = choice(RecordKey.class, settings.getChoice("key", DEFAULT_KEY, "unit", "hostname", "none"));
        Format format = choice(Format.class, settings.getChoice("format", DEFAULT_FORMAT, "json", "message"));
        return new JournaldConfig(topic, units, excludeUnits, matches, PRIORITIES.indexOf(priority),
                directory == null ? null : directory.toAbsolutePath().normalize(), currentBootOnly, readFrom, key,
                format);
    }

    /** The checkpoint's stream: the system journal, or the folder read. */
    String stream() {
        return directory == null ? SYSTEM_JOURNAL_STREAM : directory.toString();
    }

    /** The name a unit's entries carry in {@code _SYSTEMD_UNIT}: {@code nginx} means {@code nginx.service}. */
    static String unitName(String unit) {
        return UNIT_SUFFIX.matcher(unit).matches() ? unit : unit + ".service";
    }

    private static List<String> readUnits(Settings settings, String key) {
        List<String> units = new ArrayList<>();
        for (String unit : settings.getStringList(key, List.of())) {
            if (unit.isEmpty() || unit.chars().anyMatch(c -> c <= ' ' || c == '/' || c == 0x7f)) {
                settings.error(key, "\"" + unit + "\" is not a unit name like nginx.service");
            } else if (key.equals("exclude_units") && unit.chars().anyMatch(c -> c == '*' || c == '?' || c == '[')) {
                settings.error(key, "\"" + unit + "\" is a pattern; exclude_units takes unit names like nginx.service");
            } else if (units.contains(unit)) {
                settings.error(key, "lists " + unit + " twice");
            } else {
                units.add(key.equals("exclude_units") ? unitName(unit) : unit);
            }
        }
        return units;
    }

    private static Map<String, List<String>> readMatches(Settings settings) {
        Settings section = settings.getSection("matches");
        Map<String, List<String>> matches = new LinkedHashMap<>();
        for (String field : section.asMap().keySet()) {
            List<String> values = section.getStringList(field, List.of());
            if (!FIELD_NAME.matcher(field).matches()) {
                section.error(field, "is not a journal field name: upper case letters, digits and _, like _SYSTEMD_UNIT");
            } else if (values.isEmpty()) {
                section.error(field, "must give a value or a list of values");
            } else {
                matches.put(field, List.copyOf(values));
            }
        }
        return matches;
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String settingValue) {
        return Enum.valueOf(type, settingValue.toUpperCase(Locale.ROOT));
    }
}
