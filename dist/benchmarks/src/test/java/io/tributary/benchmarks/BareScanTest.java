package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BareScanTest {

    @Test
    void theResultLineIsFoundAmongTheJvmsOtherOutput() {
        BareScan.Result result = new BareScan.Result(100_000, 2_000_000_000L);

        BareScan.Result parsed = BareScan.Result.parse(List.of("OpenJDK 64-Bit Server VM warning: something", result.line()));

        assertThat(parsed).isEqualTo(result);
        assertThat(parsed.rowsPerSecond()).isEqualTo(50_000.0);
    }

    @Test
    void outputWithoutAResultLineIsRefused() {
        assertThatThrownBy(() -> BareScan.Result.parse(List.of("Exception in thread \"main\" ...")))
                .hasMessage("the bare scan printed no line like \"bare scan: 0 rows, 0 ns from the first row to the last\"");
    }
}
