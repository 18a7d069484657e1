package io.tributary.plugins.jdbc;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampsTest {
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter NANOS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS");
    private static final DateTimeFormatter MICROS_WITH_OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX");
    private static final DateTimeFormatter NANOS_WITH_OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    @Test
    void timestampsFormatWithMicrosecondsOrNanosecondsAndTheOffset() {
        assertThat(Timestamps.format(LocalDateTime.of(2024, 3, 1, 10, 15, 30, 1_000))).isEqualTo("2024-03-01T10:15:30.000001");
        assertThat(Timestamps.format(LocalDateTime.of(2024, 3, 1, 10, 15, 30, 123_456_789))).isEqualTo("2024-03-01T10:15:30.123456789");
        assertThat(Timestamps.format(OffsetDateTime.of(2024, 3, 1, 8, 15, 30, 123_456_000, ZoneOffset.UTC)))
                .isEqualTo("2024-03-01T08:15:30.123456Z");
        assertThat(Timestamps.format(OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 123_456_789, ZoneOffset.ofHoursMinutes(-5, -30))))
                .isEqualTo("2024-03-01T10:15:30.123456789-05:30");
        assertThat(Timestamps.format(OffsetDateTime.of(12024, 3, 1, 10, 15, 30, 0, ZoneOffset.ofHoursMinutesSeconds(1, 0, 30))))
                .isEqualTo("+12024-03-01T10:15:30.000000+01:00");
    }

    @Test
    void everyTimestampFormatsAsTheIsoPatternsDo() {
        List<Integer> years = List.of(-1, 0, 7, 999, 1970, 2024, 9999, 10000);
        List<Integer> nanos = List.of(0, 1, 999, 1_000, 10_000, 123_456_000, 123_456_789, 999_999_999);
        List<ZoneOffset> offsets = List.of(ZoneOffset.UTC, ZoneOffset.ofHours(2), ZoneOffset.ofHoursMinutes(-9, -30),
                ZoneOffset.ofHoursMinutes(0, -30), ZoneOffset.ofHoursMinutes(5, 45), ZoneOffset.ofHoursMinutesSeconds(-1, -2, -3),
                ZoneOffset.MAX, ZoneOffset.MIN);
        for (int year : years) {
            for (int nano : nanos) {
                LocalDateTime local = LocalDateTime.of(year, 12, 31, 23, 59, 59, nano);
                assertThat(Timestamps.format(local)).isEqualTo((nano % 1000 == 0 ? MICROS : NANOS).format(local));
                for (ZoneOffset offset : offsets) {
                    OffsetDateTime value = OffsetDateTime.of(local, offset);
                    assertThat(Timestamps.format(value))
                            .isEqualTo((nano % 1000 == 0 ? MICROS_WITH_OFFSET : NANOS_WITH_OFFSET).format(value));
                }
            }
        }
    }

    @Test
    void whatFormatWritesParsesBackToTheSameValue() {
        OffsetDateTime withOffset = OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 123_456_789, ZoneOffset.ofHours(2));
        LocalDateTime local = LocalDateTime.of(2024, 3, 1, 10, 15, 30, 5_000);
        assertThat(Timestamps.parse(Timestamps.format(withOffset))).isEqualTo(withOffset);
        assertThat(Timestamps.parse(Timestamps.format(local))).isEqualTo(local);
    }
}
