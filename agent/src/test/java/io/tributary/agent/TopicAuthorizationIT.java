package io.tributary.agent;

import static io.tributary.agent.Faults.assertExactlyOnce;
import static io.tributary.agent.Faults.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.TestAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13: a topic the agent's principal may not write (SASL/PLAIN users, {@code StandardAuthorizer}
 * ACLs) stops that source alone, never the agent.
 */
class TopicAuthorizationIT {
    /** The healthy source writes 5,000 records at 1,000 a second: 5 s alone; 20 s leaves room for a busy machine, not for a stall. */
    private static final int HEALTHY = 5000;
    private static final String[] HEALTHY_PACE = {"per_poll: 50", "pause_per_poll: 50ms"};
    private static final Duration HEALTHY_DELIVERY = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aSourceWhoseTopicIsNotAuthorisedIsNamedOnHealthTheOtherDeliversAndTheAgentRunsOn() {
        try (KafkaBroker broker = KafkaBroker.builder().config(Map.of("auto.create.topics.enable", "false"))
                .saslUsers(Map.of("agent", "agent-secret")).start()) {
            broker.createTopic("acl.allowed", 1, Map.of());
            broker.createTopic("acl.denied", 1, Map.of());
            broker.allowTransactionalProducer("agent", "tributary-acl", "acl.allowed", "_tributary_offsets", "tributary.dead_letter");
            AgentHttp http = AgentHttp.onFreePort();
            AgentFixture fixture = AgentFixture.in(dir, broker).kafka(broker.bootstrapServers(), broker.saslClientSettings("agent"))
                    .write("acl", Map.of("http", http.address()), "sources:\n"
                            + sequence("allowed", "acl.allowed", HEALTHY, HEALTHY_PACE)
                            + sequence("denied", "acl.denied", 1000));
            try (AgentProcess agent = fixture.start()) {
                fixture.awaitCount(agent, "acl.allowed", HEALTHY, HEALTHY_DELIVERY);
                Faults.stayAlive(agent, Duration.ofSeconds(3), "with a source whose topic it may not write");
                await("source denied down on /health").atMost(WAIT)
                        .until(() -> http.source("denied").path("status").asText().equals("down"));
                assertThat(http.source("denied").path("problem").asText()).as("/health's reason for source denied")
                        .contains("acl.denied").containsIgnoringCase("authori");
                assertThat(http.healthStatus()).isEqualTo(503);
                assertThat(http.source("allowed").path("status").asText()).isEqualTo("up");
                assertThat(http.metric(AgentHttp.sourceUp("denied"))).hasValue(0.0);

                broker.allow("agent", ResourceType.TOPIC, "acl.denied", AclOperation.ALL);
                fixture.awaitCount(agent, "acl.denied", 1000, WAIT);
                await("/health 200").atMost(WAIT).until(() -> http.healthStatus() == 200);
                TestAgent.stopGracefully(agent);
            }
            assertExactlyOnce(fixture, "acl.allowed", HEALTHY);
            assertExactlyOnce(fixture, "acl.denied", 1000);
        }
    }
}
