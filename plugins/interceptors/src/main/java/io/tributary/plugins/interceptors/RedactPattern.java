package io.tributary.plugins.interceptors;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A pattern the {@code redact} interceptor masks. When the regular expression has a group named
 * {@code secret}, only that group is masked, so {@code token=abc} becomes {@code token=****}.
 *
 * @param name  what {@code patterns:} or {@code custom:} calls it
 * @param regex the regular expression
 * @param check a further test of a match, e.g. the Luhn checksum of a card number
 */
record RedactPattern(String name, Pattern regex, Predicate<String> check) {
    static final String SECRET_GROUP = "secret";

    /** A card number: 13 to 19 digits, optionally grouped by spaces or dashes, with a valid Luhn checksum. */
    static final RedactPattern CARD_NUMBER = new RedactPattern("card_number",
            Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])"), RedactPattern::passesLuhn);

    static final RedactPattern EMAIL = new RedactPattern("email",
            Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"), match -> true);

    /** The value after {@code Bearer}, or after {@code token}, {@code api_key}, {@code secret}, {@code password} and {@code :} or {@code =}. */
    static final RedactPattern TOKEN = new RedactPattern("token",
            Pattern.compile("(?i)(?:\\bbearer\\s+|\\b(?:access_|refresh_)?(?:token|api[_-]?key|secret|password|passwd)[\"']?\\s*[:=]\\s*[\"']?)"
                    + "(?<secret>[^\\s\"',;&]+)"), match -> true);

    static final List<RedactPattern> BUILT_IN = List.of(CARD_NUMBER, EMAIL, TOKEN);

    static List<String> builtInNames() {
        return BUILT_IN.stream().map(RedactPattern::name).toList();
    }

    static RedactPattern custom(String name, Pattern regex) {
        return new RedactPattern(name, regex, match -> true);
    }

    boolean hasSecretGroup() {
        return regex.pattern().contains("(?<" + SECRET_GROUP + ">");
    }

    static boolean passesLuhn(String match) {
        int[] digits = match.chars().filter(Character::isDigit).map(c -> c - '0').toArray();
        int sum = 0;
        for (int i = 0; i < digits.length; i++) {
            int digit = digits[digits.length - 1 - i];
            if (i % 2 == 1) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return digits.length >= 13 && sum % 10 == 0;
    }

}
