package io.tributary.agent.config;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the sizes and durations written in the YAML file.
 *
 * <p>Sizes are a whole number of bytes with an optional unit: {@code B}, the binary {@code KiB},
 * {@code MiB}, {@code GiB}, {@code TiB} (powers of 1024) or the decimal {@code KB}, {@code MB},
 * {@code GB}, {@code TB} (powers of 1000, as disk vendors and Kafka's docs count). Durations are a
 * whole number with one of {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}, or a bare
 * {@code 0}. Units are case-sensitive because {@code m} (minutes) and {@code M} must not blur.
 */
public final class Units {

    private static final Pattern SIZE = Pattern.compile("([0-9]+)(?: ?(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB))?");
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    private static final Map<String, Long> BYTES_PER_UNIT = Map.of(
            "B", 1L,
            "KiB", 1L << 10, "MiB", 1L << 20, "GiB", 1L << 30, "TiB", 1L << 40,
            "KB", 1_000L, "MB", 1_000_000L, "GB", 1_000_000_000L, "TB", 1_000_000_000_000L);

    private Units() {
    }

    /** The number of bytes {@code text} stands for, or null when it is not a size. */
    public static Long parseSize(String text) {
        Matcher matcher = SIZE.matcher(text);
        if (!matcher.matches()) {
            return null;
        }
        String unit = matcher.group(2) == null ? "B" : matcher.group(2);
        try {
            return Math.multiplyExact(Long.parseLong(matcher.group(1)), BYTES_PER_UNIT.get(unit));
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return null;
        }
    }

    /** The duration {@code text} stands for, or null when it is not a duration. */
    public static Duration parseDuration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            return null;
        }
        try {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return null;
        }
    }
}
