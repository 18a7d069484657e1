package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import io.tributary.testkit.TestAgent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionTimeoutException;

/** What the fault tests of issue #13 share: sequence sources, producer timeouts, and their checks. */
final class Faults {
    /**
     * The shortened producer timeouts of the CI variants: a batch expires after 15 s, a request after
     * 5 s, and {@code initTransactions()}, {@code abortTransaction()} or waiting for metadata gives up
     * after 5 s; the coordinator aborts a transaction left open for 20 s. An outage of 40 s
     * outlasts every one of them, one after the other.
     */
    static final Map<String, String> SHORT_PRODUCER_TIMEOUTS = Map.of(
            "delivery.timeout.ms", "15000", "request.timeout.ms", "5000", "max.block.ms", "5000",
            "transaction.timeout.ms", "20000");

    private Faults() {
    }

    /**
     * One sequence source's entry under {@code sources:}: records {@code record-0} to
     * {@code record-<count-1>} into {@code topic}, then {@code extra} lines (indented four spaces).
     */
    static String sequence(String name, String topic, long count, String... extra) {
        StringBuilder yaml = new StringBuilder("  ").append(name).append(":\n")
                .append("    type: sequence\n")
                .append("    topic: ").append(topic).append('\n')
                .append("    count: ").append(count).append('\n');
        for (String line : extra) {
            yaml.append("    ").append(line).append('\n');
        }
        return yaml.toString();
    }

    static List<String> expected(long count) {
        return LongStream.range(0, count).mapToObj(n -> "record-" + n).collect(Collectors.toList());
    }

    /** Waits {@code duration}, failing with the agent's exit code and last lines as soon as it exits. */
    static void stayAlive(AgentProcess agent, Duration duration, String during) {
        try {
            await().pollInterval(Duration.ofMillis(500)).during(duration).atMost(duration.plusSeconds(10)).until(agent::isAlive);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the agent exited with code " + agent.waitFor(Duration.ofSeconds(10)) + " " + during
                    + "; it must keep running. It printed:\n" + TestAgent.tail(agent), e);
        }
    }

    /** Every record of the sequence in {@code topic}, each exactly once and in order, as read_committed sees it. */
    static void assertExactlyOnce(AgentFixture fixture, String topic, long count) {
        assertThat(KafkaReader.values(fixture.readAll(topic))).as("topic %s", topic).containsExactlyElementsOf(expected(count));
    }
}
