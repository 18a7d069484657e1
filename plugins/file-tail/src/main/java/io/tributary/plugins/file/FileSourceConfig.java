package io.tributary.plugins.file;

import io.tributary.api.Settings;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The settings of one {@code file} source, read and checked from its YAML entry. Every default lives
 * here; the README and sample.yaml repeat them.
 */
record FileSourceConfig(
        String topic,
        List<String> include,
        List<String> exclude,
        ReadFrom readFrom,
        Charset encoding,
        int maxLineBytes,
        MaxLineAction maxLineAction,
        Multiline multiline,
        Duration ignoreOlder,
        Duration closeInactive,
        Duration scanInterval,
        int fingerprintBytes,
        KeyRule key,
        boolean headers,
        int maxOpenFiles,
        Format format,
        boolean decompressGzip) {

    static final String DEFAULT_READ_FROM = "beginning";
    static final Charset DEFAULT_ENCODING = StandardCharsets.UTF_8;
    /** Leaves room for headers under Kafka's default max.request.size of 1 MiB. */
    static final long DEFAULT_MAX_LINE_BYTES = 512 * 1024;
    static final long LARGEST_MAX_LINE_BYTES = 64L * 1024 * 1024;
    static final String DEFAULT_MAX_LINE_ACTION = "split";
    static final int DEFAULT_MULTILINE_MAX_LINES = 500;
    static final Duration DEFAULT_MULTILINE_TIMEOUT = Duration.ofSeconds(1);
    static final Duration DEFAULT_CLOSE_INACTIVE = Duration.ofMinutes(5);
    static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofSeconds(1);
    static final long DEFAULT_FINGERPRINT_BYTES = 1024;
    static final long SMALLEST_FINGERPRINT_BYTES = 16;
    static final long LARGEST_FINGERPRINT_BYTES = 64 * 1024;
    static final boolean DEFAULT_HEADERS = true;
    static final String DEFAULT_FORMAT = "lines";
    static final String DEFAULT_DECOMPRESS = "none";
    /** Well below the LimitNOFILE of the packaged service (65536), leaving the producer its sockets. */
    static final int DEFAULT_MAX_OPEN_FILES = 4096;

    enum ReadFrom { BEGINNING, END }

    enum MaxLineAction { SPLIT, TRUNCATE }

    /** What a line of the files is: the record as it is, or a container runtime's line to decode. */
    enum Format { LINES, CRI, DOCKER }

    /**
     * How lines join into one event: a line that {@link #startsEvent starts an event} ends the one
     * being assembled.
     */
    record Multiline(Pattern pattern, boolean patternMarksStart, boolean negate, int maxLines, Duration timeout) {

        boolean startsEvent(CharSequence line) {
            boolean matches = pattern.matcher(line).find() != negate;
            return patternMarksStart == matches;
        }
    }

    /** The record key: none, one fixed value, or a group of a pattern found in the record's value. */
    record KeyRule(byte[] fixed, Pattern pattern, int group) {
        static final KeyRule NONE = new KeyRule(null, null, 0);

        boolean isNone() {
            return fixed == null && pattern == null;
        }
    }

    static FileSourceConfig read(Settings settings) {
        String topic = settings.getRequiredString("topic");
        List<String> include = globs(settings, "include", true);
        List<String> exclude = globs(settings, "exclude", false);
        ReadFrom readFrom = ReadFrom.valueOf(settings.getChoice("read_from", DEFAULT_READ_FROM, "beginning", "end")
                .toUpperCase());
        Charset encoding = encoding(settings);
        int maxLineBytes = (int) sizeWithin(settings, "max_line_bytes", DEFAULT_MAX_LINE_BYTES, 1, LARGEST_MAX_LINE_BYTES);
        MaxLineAction maxLineAction = MaxLineAction.valueOf(
                settings.getChoice("max_line_action", DEFAULT_MAX_LINE_ACTION, "split", "truncate").toUpperCase());
        Multiline multiline = multiline(settings);
        Duration ignoreOlder = settings.has("ignore_older") ? positive(settings, "ignore_older", null) : null;
        Duration closeInactive = positive(settings, "close_inactive", DEFAULT_CLOSE_INACTIVE);
        Duration scanInterval = positive(settings, "scan_interval", DEFAULT_SCAN_INTERVAL);
        int fingerprintBytes = (int) sizeWithin(settings, "fingerprint_bytes", DEFAULT_FINGERPRINT_BYTES,
                SMALLEST_FINGERPRINT_BYTES, LARGEST_FINGERPRINT_BYTES);
        KeyRule key = key(settings);
        boolean headers = settings.getBoolean("headers", DEFAULT_HEADERS);
        int maxOpenFiles = settings.getInt("max_open_files", DEFAULT_MAX_OPEN_FILES);
        if (maxOpenFiles < 1) {
            settings.error("max_open_files", "must be at least 1, got " + maxOpenFiles);
            maxOpenFiles = DEFAULT_MAX_OPEN_FILES;
        }
        return new FileSourceConfig(topic, include, exclude, readFrom, encoding, maxLineBytes, maxLineAction,
                multiline, ignoreOlder, closeInactive, scanInterval, fingerprintBytes, key, headers, maxOpenFiles,
                Format.valueOf(settings.getChoice("format", DEFAULT_FORMAT, "lines", "cri", "docker").toUpperCase()),
                settings.getChoice("decompress", DEFAULT_DECOMPRESS, "none", "gzip").equals("gzip"));
    }

    /** True when lines can be found by looking for byte 0x0A, with no decoding. */
    static boolean isAsciiCompatible(Charset charset) {
        return charset.canEncode()
                && Arrays.equals("\n".getBytes(charset), new byte[] {'\n'})
                && Arrays.equals("\r".getBytes(charset), new byte[] {'\r'})
                && Arrays.equals("az09 ".getBytes(charset), "az09 ".getBytes(StandardCharsets.US_ASCII));
    }

    private static List<String> globs(Settings settings, String key, boolean required) {
        List<String> globs = settings.getStringList(key, List.of());
        if (required && globs.isEmpty() && !settings.has(key)) {
            settings.error(key, "missing required setting: a list of file globs such as \"/var/log/app/*.log\"");
            return globs;
        }
        if (required && globs.isEmpty()) {
            settings.error(key, "must list at least one file glob");
        }
        List<String> valid = new ArrayList<>();
        for (String glob : globs) {
            try {
                if (!Path.of(Globs.baseDirectory(glob)).isAbsolute()) {
                    settings.error(key, "\"" + glob + "\" must be an absolute path");
                    continue;
                }
                FileSystems.getDefault().getPathMatcher("glob:" + glob);
                valid.add(glob);
            } catch (PatternSyntaxException | InvalidPathException e) {
                settings.error(key, "\"" + glob + "\" is not a valid glob: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return List.copyOf(valid);
    }

    private static Charset encoding(Settings settings) {
        String name = settings.getString("encoding", DEFAULT_ENCODING.name());
        Charset charset;
        try {
            charset = Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            settings.error("encoding", "unknown charset \"" + name + "\"; use a Java charset name such as UTF-8 or ISO-8859-1");
            return DEFAULT_ENCODING;
        }
        if (!isAsciiCompatible(charset)) {
            settings.error("encoding", "\"" + name + "\" is not supported: lines are found by the byte 0x0A, so the charset"
                    + " must encode ASCII as ASCII (UTF-8, ISO-8859-1, windows-1252, Shift_JIS, GB18030, ...)");
            return DEFAULT_ENCODING;
        }
        return charset;
    }

    private static long sizeWithin(Settings settings, String key, long defaultValue, long min, long max) {
        long size = settings.getSize(key, defaultValue);
        if (size < min || size > max) {
            settings.error(key, "must be from " + min + " to " + max + " bytes, got " + size);
            return defaultValue;
        }
        return size;
    }

    private static Duration positive(Settings settings, String key, Duration defaultValue) {
        Duration duration = settings.getDuration(key, defaultValue);
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            settings.error(key, "must be longer than 0");
            return defaultValue;
        }
        return duration;
    }

    private static Multiline multiline(Settings settings) {
        if (!settings.has("multiline")) {
            return null;
        }
        Settings section = settings.getSection("multiline");
        Pattern start = section.getPattern("start_pattern");
        Pattern continuation = section.getPattern("continue_pattern");
        boolean negate = section.getBoolean("negate", false);
        int maxLines = section.getInt("max_lines", DEFAULT_MULTILINE_MAX_LINES);
        Duration timeout = positive(section, "timeout", DEFAULT_MULTILINE_TIMEOUT);
        if (maxLines < 1) {
            section.error("max_lines", "must be at least 1, got " + maxLines);
        }
        boolean bothGiven = section.has("start_pattern") && section.has("continue_pattern");
        if (bothGiven) {
            section.error("continue_pattern", "set either start_pattern or continue_pattern, not both");
            return null;
        }
        if (!section.has("start_pattern") && !section.has("continue_pattern")) {
            section.error("", "set start_pattern (a line that begins an event) or continue_pattern (a line that"
                    + " continues the previous one)");
            return null;
        }
        Pattern pattern = start != null ? start : continuation;
        return pattern == null ? null : new Multiline(pattern, start != null, negate, Math.max(1, maxLines), timeout);
    }

    private static KeyRule key(Settings settings) {
        if (!settings.has("key")) {
            return KeyRule.NONE;
        }
        Settings section = settings.getSection("key");
        String fixed = section.getString("value", null);
        Pattern pattern = section.getPattern("pattern");
        boolean hasGroup = section.has("group");
        int group = section.getInt("group", pattern != null && pattern.matcher("").groupCount() > 0 ? 1 : 0);
        if (section.has("value") && section.has("pattern")) {
            section.error("pattern", "set either value (a fixed key) or pattern (a key taken from each line), not both");
            return KeyRule.NONE;
        }
        if (fixed != null) {
            if (hasGroup) {
                section.error("group", "only applies with pattern");
            }
            return new KeyRule(fixed.getBytes(StandardCharsets.UTF_8), null, 0);
        }
        if (pattern == null) {
            if (!section.has("pattern")) {
                section.error("", "set value (a fixed key) or pattern (a key taken from each line)");
            }
            return KeyRule.NONE;
        }
        int groups = pattern.matcher("").groupCount();
        if (group < 0 || group > groups) {
            section.error("group", "must be from 0 to " + groups + " (the groups of pattern), got " + group);
            return KeyRule.NONE;
        }
        return new KeyRule(null, pattern, group);
    }
}
