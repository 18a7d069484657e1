package io.tributary.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DidYouMeanTest {

    private static final List<String> KNOWN = List.of("include", "exclude", "topic", "max_line_bytes", "read_from");

    @ParameterizedTest
    @CsvSource({
            "includ, include",
            "inlcude, include",
            "includes, include",
            "exclud, exclude",
            "topics, topic",
            "tpoic, topic",
            "max_line, max_line_bytes",
            "read_from_end, read_from",
    })
    void suggestsTheClosestKnownKey(String unknown, String suggestion) {
        assertThat(DidYouMean.closest(unknown, KNOWN)).contains(suggestion);
    }

    @ParameterizedTest
    @CsvSource({"colour", "path", "ma"})
    void suggestsNothingWhenNoKeyIsClose(String unknown) {
        assertThat(DidYouMean.closest(unknown, KNOWN)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "topic, topic, 0",
            "topic, tpoic, 1",
            "ca, abc, 3",
            "kitten, sitting, 3",
            "'', abc, 3",
    })
    void countsAnAdjacentSwapAsOneEdit(String a, String b, int distance) {
        assertThat(DidYouMean.distance(a, b)).isEqualTo(distance);
    }
}
