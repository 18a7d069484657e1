package io.tributary.agent;

import static io.tributary.agent.Faults.assertExactlyOnce;
import static io.tributary.agent.Faults.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.TestAgent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13: Kafka down for longer than every producer timeout never stops the agent. CI kills the
 * broker for 40 s against shortened timeouts; the faults-long profile for 5 minutes against Kafka's
 * default ones.
 */
class BrokerOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(Integer.getInteger("tributary.broker.outage.seconds", 40));
    /** faults-long sets it: the producer keeps Kafka's defaults (batches expire after 120 s, blocking calls after 60 s). */
    private static final boolean DEFAULT_PRODUCER = Boolean.getBoolean("tributary.producer.defaults");
    /*
     * Fast enough that the kill finds records sent but not yet acknowledged, as on a busy host; paced
     * (at most 10,000 records/s a source, so at least 10 s for all) so that no machine ships them all
     * before the kill: an agent with nothing to commit has no write to fail and stays healthy.
     */
    private static final long COUNT = 100_000;
    private static final String[] PACE = {"per_poll: 50", "pause_per_poll: 5ms"};
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** Within a minute of the broker's return; fails at once, with its output, if the agent exited. */
    private static void awaitHealthy(AgentProcess agent, AgentHttp http) {
        await("/health 200 after the outage").atMost(Duration.ofSeconds(60)).until(() -> {
            if (!agent.isAlive()) {
                throw new AssertionError("the agent exited with code " + agent.waitFor(Duration.ofSeconds(10))
                        + " after the broker came back; it printed:\n" + TestAgent.tail(agent));
            }
            return http.healthStatus() == 200;
        });
    }

    /** The agent's threads as jcmd prints them, for a failure that the agent's log does not explain. */
    private static String threadDump(AgentProcess agent) {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(agent.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            dump.waitFor();
            return threads;
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)";
        }
    }

    @Test
    void aBrokerKilledForLongerThanEveryProducerTimeoutPausesTheAgentWhichResumesByItselfExactlyOnce() {
        AgentHttp http = AgentHttp.onFreePort();
        try (KafkaBroker broker = KafkaBroker.start()) {
            AgentFixture fixture = AgentFixture.in(dir, broker)
                    .kafka(broker.bootstrapServers(), DEFAULT_PRODUCER ? Map.of() : Faults.SHORT_PRODUCER_TIMEOUTS)
                    .write("outage-two", Map.of("http", http.address(), "max_in_flight_bytes", "1MiB"), "sources:\n"
                            + sequence("first", "outage.first", COUNT, PACE)
                            + sequence("second", "outage.second", COUNT, PACE));
            try (AgentProcess agent = fixture.start()) {
                fixture.awaitCount(agent, "outage.first", 5000, WAIT);
                fixture.awaitCount(agent, "outage.second", 5000, WAIT);

                broker.kill();
                long killed = System.nanoTime();
                try {
                    await("/health 503 in the outage").atMost(WAIT).until(() -> http.healthStatus() == 503);
                } catch (ConditionTimeoutException e) {
                    throw new AssertionError("/health stayed " + http.healthStatus() + " in the outage: " + http.health()
                            + "; the agent printed:\n" + TestAgent.tail(agent) + "\nits threads:\n" + threadDump(agent), e);
                }
                JsonNode producer = http.health().path("producer");
                OptionalDouble producerUpDuringOutage = http.metric(AgentHttp.PRODUCER_UP);
                assertThat(producer.path("status").asText()).isEqualTo("down");
                assertThat(producer.path("problem").asText()).as("/health names the producer's problem").isNotBlank();

                Faults.stayAlive(agent, OUTAGE.minusNanos(System.nanoTime() - killed), "while the broker was down for " + OUTAGE);
                assertThat(http.healthStatus()).as("/health at the end of the outage").isEqualTo(503);

                broker.restart();
                awaitHealthy(agent, http);
                OptionalDouble producerUpAfterwards = http.metric(AgentHttp.PRODUCER_UP);
                fixture.awaitCount(agent, "outage.first", (int) COUNT, WAIT);
                fixture.awaitCount(agent, "outage.second", (int) COUNT, WAIT);
                TestAgent.stopGracefully(agent);
                assertExactlyOnce(fixture, "outage.first", COUNT);
                assertExactlyOnce(fixture, "outage.second", COUNT);
                // Last, so that a missing metric does not hide what the agent did with the records.
                assertThat(producerUpDuringOutage).as("%s during the outage", AgentHttp.PRODUCER_UP).hasValue(0.0);
                assertThat(producerUpAfterwards).as("%s once Kafka was back", AgentHttp.PRODUCER_UP).hasValue(1.0);
            }
        }
    }
}
