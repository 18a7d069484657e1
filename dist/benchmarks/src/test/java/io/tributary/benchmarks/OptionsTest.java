package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsToTheFullScaleAndEveryCase() {
        Benchmarks.Options options = Benchmarks.Options.parse(new String[0]);

        assertThat(options).isEqualTo(new Benchmarks.Options(Scale.FULL, false, Benchmarks.CASES));
    }

    @Test
    void quickProfileAndChosenCases() {
        Benchmarks.Options options = Benchmarks.Options.parse(new String[] {"--quick", "--profile", "--cases", "latency,file"});

        assertThat(options).isEqualTo(new Benchmarks.Options(Scale.QUICK, true, List.of("latency", "file")));
    }

    @Test
    void anUnknownCaseIsNamed() {
        assertThatThrownBy(() -> Benchmarks.Options.parse(new String[] {"--cases", "file,kafka"}))
                .hasMessage("unknown case \"kafka\" in --cases; the cases are " + String.join(", ", Benchmarks.CASES));
    }

    @Test
    void anUnknownOptionIsNamed() {
        assertThatThrownBy(() -> Benchmarks.Options.parse(new String[] {"--fast"}))
                .hasMessage("unknown option \"--fast\"");
    }

    @Test
    void casesWithoutAListAreRefused() {
        assertThatThrownBy(() -> Benchmarks.Options.parse(new String[] {"--cases"}))
                .hasMessage("--cases needs a list, e.g. --cases file,latency");
    }
}
