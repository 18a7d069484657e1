package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColdStartCaseTest {

    @Test
    void theStartUpBreakdownIsCopiedVerbatimFromTheRunningLine() {
        String line = "2026-12-03T04:47:40.123Z INFO  [main] i.t.agent.Agent - Tributary agent a running 1 source(s) in "
                + "exactly_once mode, transactional.id tributary-a; started in 840 ms (config 120 ms, producer 300 ms)";

        assertThat(ColdStartCase.startedIn(line)).isEqualTo("started in 840 ms (config 120 ms, producer 300 ms)");
    }

    @Test
    void aRunningLineWithoutStartUpTimeSaysSo() {
        String line = "Tributary agent a running 1 source(s) in exactly_once mode, transactional.id tributary-a";

        assertThat(ColdStartCase.startedIn(line)).isEqualTo("no start-up time in its \"running\" line");
    }
}
