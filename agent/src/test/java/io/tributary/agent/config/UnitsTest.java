package io.tributary.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

    @ParameterizedTest
    @CsvSource({
            "100, 100",
            "100B, 100",
            "0, 0",
            "512KiB, 524288",
            "1MiB, 1048576",
            "2GiB, 2147483648",
            "1TiB, 1099511627776",
            "1 MiB, 1048576",
            "5KB, 5000",
            "5MB, 5000000",
            "5GB, 5000000000",
            "1TB, 1000000000000",
    })
    void parsesSizes(String text, long bytes) {
        assertThat(Units.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "", "-1", "-1MiB", "1mib", "1MIB", "1kb", "1.5MiB", "MiB", "1 ", "9999999999TiB",
            "99999999999999999999"})
    void rejectsWhatIsNotASize(String text) {
        assertThat(Units.parseSize(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource({
            "0, PT0S",
            "250ms, PT0.25S",
            "5s, PT5S",
            "1m, PT1M",
            "1h, PT1H",
            "1d, PT24H",
            "0s, PT0S",
    })
    void parsesDurations(String text, Duration duration) {
        assertThat(Units.parseDuration(text)).isEqualTo(duration);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "", "5", "-5s", "5S", "5 s", "1.5s", "5sec", "ms", "99999999999999999999d",
            "999999999999999999d"})
    void rejectsWhatIsNotADuration(String text) {
        assertThat(Units.parseDuration(text)).isNull();
    }
}
