package io.tributary.benchmarks;

import java.time.Duration;

/** CPU time, user and system, that a process has used, as the system counts it. */
final class CpuTime {
    private CpuTime() {
    }

    /** The CPU time process {@code pid} has used so far; zero when the system does not tell. */
    static Duration of(long pid) {
        return ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration()).orElse(Duration.ZERO);
    }

    /** The pid of the broker, the child of this JVM that runs Kafka's main class; -1 when there is none. */
    static long brokerPid() {
        return JvmOptions.child(Benchmarks.BROKER_MAIN_CLASS).map(ProcessHandle::pid).orElse(-1L);
    }
}
