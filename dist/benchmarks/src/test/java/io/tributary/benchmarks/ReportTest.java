package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void writesTheHeaderTheTableAndTheRuns() {
        Report report = new Report();
        report.describe("Machine", "2 processors");
        report.add(Row.measured("1. file | 100 B", "9 rec/s", "PP: 10 rec/s", 0.9, "≥ 0.80×", true));
        report.add(Row.skipped("3. syslog", "≥ 1.00×", "rsyslogd is not installed"));
        report.run("file-r1: 9 rec/s");

        assertThat(report.markdown()).isEqualTo("""
                # Tributary benchmarks

                - Machine: 2 processors

                | Case | Tributary | Baseline | Ratio | Target | Met? |
                |---|---|---|---|---|---|
                | 1. file \\| 100 B | 9 rec/s | PP: 10 rec/s | 0.90× | ≥ 0.80× | yes |
                | 3. syslog | – | – | – | ≥ 1.00× | skipped: rsyslogd is not installed |

                ## Runs

                - file-r1: 9 rec/s
                """);
    }

    @Test
    void aHeaderLineDescribedTwiceIsWrittenOnce() {
        Report report = new Report();
        report.describe("PostgreSQL", "15.20");
        report.describe("rsyslog", "8.2302.0");
        report.describe("PostgreSQL", "15.20");

        assertThat(report.markdown()).startsWith("""
                # Tributary benchmarks

                - PostgreSQL: 15.20
                - rsyslog: 8.2302.0

                | Case |""");
    }
}
