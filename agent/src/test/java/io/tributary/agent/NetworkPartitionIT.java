package io.tributary.agent;

import static io.tributary.agent.Faults.assertExactlyOnce;
import static io.tributary.agent.Faults.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.TcpProxy;
import io.tributary.testkit.TestAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13: the network between the agent and a broker that keeps running breaks (a {@link TcpProxy}
 * drops, resets or slows the agent's connections) and heals; nothing is lost or repeated and the
 * agent runs on; a SIGTERM during a slow commit still stops it gracefully; and (faults-long only)
 * SIGKILLs at random moments of the commit lose and repeat nothing.
 */
class NetworkPartitionIT {
    /** faults-long sets it: that many partitions of random kind and length (up to 40 s) instead of CI's four. */
    private static final int RANDOM_PARTITIONS = Integer.getInteger("tributary.partitions", 0);
    private static final Duration GAP = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static KafkaBroker broker;

    @TempDir
    Path dir;

    /** One fault: the proxy drops or resets the agent's connections for {@code length}, then passes again. */
    private record Partition(boolean reset, Duration length) {
        @Override
        public String toString() {
            return (reset ? "reset for " : "drop for ") + length.toMillis() + " ms";
        }
    }

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.builder().proxied().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void healTheNetwork() {
        broker.proxy().pass();
    }

    @Test
    void partitionsBeginningMidCommitThenHealingLoseAndRepeatNothingAndTheAgentRunsOn() {
        long seed = System.nanoTime();
        // 25 s outlasts a batch's delivery.timeout.ms and the coordinator's transaction.timeout.ms.
        List<Partition> schedule = RANDOM_PARTITIONS == 0 ? List.of(
                new Partition(false, Duration.ofSeconds(1)),
                new Partition(true, Duration.ofSeconds(1)),
                new Partition(false, Duration.ofSeconds(25)),
                new Partition(true, Duration.ZERO)) : randomSchedule(new Random(seed));
        // At least 50 s of records at 1,000 a second per source (the pace's upper bound), about 13 s more than the
        // fixed schedule takes: each partition must begin while bytes flow, and with 30,000 the sources had written
        // everything before the last one.
        long count = 50_000L + 2_000L * RANDOM_PARTITIONS;
        TcpProxy proxy = broker.proxy();
        AgentHttp http = AgentHttp.onFreePort();
        AgentFixture fixture = AgentFixture.in(dir, broker).kafka(broker.proxiedBootstrapServers(), Faults.SHORT_PRODUCER_TIMEOUTS)
                .write("partitioned", Map.of("http", http.address(), "max_in_flight_bytes", "1MiB"), "sources:\n"
                        + sequence("first", "partition.first", count, "per_poll: 20", "pause_per_poll: 20ms")
                        + sequence("second", "partition.second", count, "per_poll: 20", "pause_per_poll: 20ms"));
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "partition.first", 1000, WAIT);
            for (Partition partition : schedule) {
                String during = "during " + partition + " (schedule " + schedule + ", seed " + seed + ")";
                beginWhileBytesFlow(proxy);
                if (partition.reset()) {
                    proxy.reset();
                } else {
                    proxy.drop();
                }
                if (!partition.length().isZero()) {
                    Faults.stayAlive(agent, partition.length(), during);
                }
                proxy.pass();
                Faults.stayAlive(agent, GAP, "after " + during);
            }
            fixture.awaitCount(agent, "partition.first", (int) count, WAIT);
            fixture.awaitCount(agent, "partition.second", (int) count, WAIT);
            await("/health 200 after the partitions").atMost(WAIT).until(() -> http.healthStatus() == 200);
            TestAgent.stopGracefully(agent);
        }
        assertExactlyOnce(fixture, "partition.first", count);
        assertExactlyOnce(fixture, "partition.second", count);
    }

    @Test
    void sigtermDuringASlowCommitEndsTheGracefulStopWithExitZeroInTime() {
        long count = 20_000;
        TcpProxy proxy = broker.proxy();
        AgentFixture fixture = AgentFixture.in(dir, broker).kafka(broker.proxiedBootstrapServers(), Map.of())
                .write("slow-commit", "sources:\n" + sequence("slow", "slow.commit", count, "per_poll: 100", "pause_per_poll: 20ms"));
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "slow.commit", 1000, WAIT);
            // Every chunk a minute late: the commit under way cannot end within the bounded stop.
            proxy.delay(Duration.ofMinutes(1));
            Faults.stayAlive(agent, Duration.ofSeconds(2), "while commits were slow");
            agent.sigterm();
            long stopping = System.nanoTime();
            int exitCode = agent.waitFor(Agent.SHUTDOWN_TIMEOUT.plusSeconds(20));
            Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
            assertThat(exitCode).as("exit code after SIGTERM during a slow commit; the agent printed:\n%s", TestAgent.tail(agent))
                    .isZero();
            assertThat(stopped).as("time from SIGTERM to exit").isLessThan(Agent.SHUTDOWN_TIMEOUT.plusSeconds(10));
        }
        // The agent's connections are closed: what the proxy still holds for them would be lost on a real network too.
        proxy.cutAll();
        proxy.pass();
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "slow.commit", (int) count, WAIT);
            TestAgent.stopGracefully(agent);
        }
        assertExactlyOnce(fixture, "slow.commit", count);
    }

    @Test
    void sigkillAtRandomMomentsOfTheCommitRepeatedYieldsEveryRecordExactlyOnce() {
        int kills = Integer.getInteger("tributary.commit.kills", 0);
        assumeTrue(kills > 0, "the faults-long profile sets tributary.commit.kills");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        // 2,000 records a second write fewer than 20,000 between two kills: the sources are never done before the last.
        long count = 20_000L * kills;
        TcpProxy proxy = broker.proxy();
        AgentFixture fixture = AgentFixture.in(dir, broker).kafka(broker.proxiedBootstrapServers(), Map.of())
                .write("commit-kills", "sources:\n"
                        + sequence("first", "kills.first", count, "per_poll: 20", "pause_per_poll: 10ms")
                        + sequence("second", "kills.second", count, "per_poll: 20", "pause_per_poll: 10ms"));
        // 20 ms each way stretches every commit's round trips over tens of milliseconds, where the kills land.
        proxy.delay(Duration.ofMillis(20));
        for (int kill = 1; kill <= kills; kill++) {
            try (AgentProcess agent = fixture.start()) {
                Faults.stayAlive(agent, Duration.ofMillis(500 + random.nextInt(3500)), "before kill " + kill + " (seed " + seed + ")");
                beginWhileBytesFlow(proxy);
                TestAgent.crash(agent);
            }
        }
        proxy.pass();
        fixture.write("commit-kills", "sources:\n"
                + sequence("first", "kills.first", count, "per_poll: 500")
                + sequence("second", "kills.second", count, "per_poll: 500"));
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "kills.first", (int) count, WAIT);
            fixture.awaitCount(agent, "kills.second", (int) count, WAIT);
            TestAgent.stopGracefully(agent);
        }
        assertExactlyOnce(fixture, "kills.first", count);
        assertExactlyOnce(fixture, "kills.second", count);
    }

    /* A partition that begins while bytes flow begins during a send or a commit, not between them. */
    private static void beginWhileBytesFlow(TcpProxy proxy) {
        long before = proxy.forwardedBytes();
        await("bytes flowing through the proxy").atMost(WAIT).pollInterval(Duration.ofMillis(2))
                .until(() -> proxy.forwardedBytes() > before);
    }

    private static List<Partition> randomSchedule(Random random) {
        List<Partition> schedule = new ArrayList<>();
        for (int i = 0; i < RANDOM_PARTITIONS; i++) {
            schedule.add(new Partition(random.nextInt(4) == 0, Duration.ofMillis(random.nextInt(40_000))));
        }
        return schedule;
    }
}
