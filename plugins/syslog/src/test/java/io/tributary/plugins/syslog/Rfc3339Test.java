package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class Rfc3339Test {
    /** What the check replaced: the shape as a regex, the values by java.time. */
    private static final Pattern SHAPE =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

    @Test
    void takesTheTimestampsRfc5424Shows() {
        for (String timestamp : List.of("1985-04-12T23:20:50.52Z", "1985-04-12T19:20:50.52-04:00",
                "2003-10-11T22:14:15.003Z", "2003-08-24T05:14:15.000003-07:00", "2024-05-01T12:00:00.123456789Z",
                "2024-02-29T00:00:00Z", "2000-02-29T23:59:59+18:00", "0000-01-01T00:00:00-18:00",
                "2024-05-01T12:00:00-00:00")) {
            assertThatCode(() -> check(timestamp)).as(timestamp).doesNotThrowAnyException();
        }
    }

    @Test
    void aWrongShapeIsShownWithAnExample() {
        for (String timestamp : List.of("2003-10-11", "2003-10-11T22:14:15", "2003-10-11 22:14:15Z",
                "2003-10-11t22:14:15Z", "2003-10-11T22:14:15z", "2003-10-11T22:14:15.Z",
                "2003-10-11T22:14:15.1234567890Z", "2003-10-11T22:14:15+0200", "2003-10-11T22:14:15+02:00x",
                "03-10-11T22:14:15Z", "2003-1-11T22:14:15Z", "2003-10-11T22:14:15.003", "２００３-10-11T22:14:15Z")) {
            assertThatThrownBy(() -> check(timestamp)).as(timestamp)
                    .isInstanceOf(MalformedMessageException.class)
                    .hasMessage("invalid timestamp \"" + timestamp + "\": must be like 2003-10-11T22:14:15.003Z");
        }
    }

    @Test
    void aDateOrTimeThatDoesNotExistIsNamedSo() {
        for (String timestamp : List.of("2003-02-30T22:14:15Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
                "2024-04-31T00:00:00Z", "2024-00-01T00:00:00Z", "2024-13-01T00:00:00Z", "2024-05-00T00:00:00Z",
                "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z", "2024-05-01T23:59:60Z", "2024-05-01T12:00:00+05:60",
                "2024-05-01T12:00:00+18:01", "2024-05-01T12:00:00-19:00")) {
            assertThatThrownBy(() -> check(timestamp)).as(timestamp)
                    .isInstanceOf(MalformedMessageException.class)
                    .hasMessage("invalid timestamp \"" + timestamp + "\": no such date or time");
        }
    }

    @Test
    void agreesWithJavaTimeOnMutatedTimestamps() {
        Random random = new Random(3339L);
        String alphabet = "0123456789-:.TZ+x ";
        String[] seeds = {"2003-10-11T22:14:15.003Z", "2024-02-29T23:59:59+18:00", "1999-12-31T00:00:00-05:30"};
        int accepted = 0;
        for (int i = 0; i < 50_000; i++) {
            StringBuilder timestamp = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(timestamp.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> timestamp.setCharAt(at, c);
                    case 1 -> timestamp.insert(at, c);
                    default -> timestamp.deleteCharAt(at);
                }
            }
            String text = timestamp.toString();
            String expected = javaTimeVerdict(text);
            String actual;
            try {
                check(text);
                actual = null;
                accepted++;
            } catch (MalformedMessageException e) {
                actual = e.getMessage();
            }
            assertThat(actual).as(text).isEqualTo(expected);
        }
        assertThat(accepted).isGreaterThan(1_000);
    }

    /** Checks {@code timestamp} as the parser does: its UTF-8 bytes as received. */
    private static void check(String timestamp) throws MalformedMessageException {
        byte[] bytes = timestamp.getBytes(StandardCharsets.UTF_8);
        Rfc3339.check(Text.slice(bytes, 0, bytes.length));
    }

    private static String javaTimeVerdict(String timestamp) {
        if (!SHAPE.matcher(timestamp).matches()) {
            return "invalid timestamp \"" + timestamp + "\": must be like 2003-10-11T22:14:15.003Z";
        }
        try {
            OffsetDateTime.parse(timestamp);
            return null;
        } catch (DateTimeException e) {
            return "invalid timestamp \"" + timestamp + "\": no such date or time";
        }
    }
}
