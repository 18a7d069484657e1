package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachineTest {

    @Test
    void readsTheUdpReceiveBufferErrorsOfProcNetSnmp() {
        List<String> snmp = List.of(
                "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn",
                "Tcp: 1 200 120000 -1",
                "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors",
                "Udp: 1678 0 4458 6137 4457 0 0 0 0",
                "UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors",
                "UdpLite: 0 0 0 0 9 0 0 0 0");

        assertThat(Machine.udpReceiveBufferErrors(snmp)).isEqualTo(4457);
    }

    @Test
    void aFileWithoutUdpCountersIsNamed() {
        assertThatThrownBy(() -> Machine.udpReceiveBufferErrors(List.of("Tcp: RtoAlgorithm", "Tcp: 1")))
                .hasMessage("/proc/net/snmp has no Udp: lines");
    }

    @Test
    void theFirstLineOfACommandOrNullWhenItFails() {
        assertThat(Machine.firstLineOf(List.of("sh", "-c", "echo '  one  '; echo two"))).isEqualTo("one");
        assertThat(Machine.firstLineOf(List.of("sh", "-c", "echo no; exit 3"))).isNull();
        assertThat(Machine.firstLineOf(List.of("/no/such/command"))).isNull();
    }
}
