package io.tributary.agent;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.TestAgent;
import io.tributary.testplugin.SequenceSource;
import io.tributary.testplugin.SequenceSourceType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A {@link TestAgent} with the sequence test plugin, against the shared broker unless told otherwise. */
final class AgentFixture {
    static final Duration STARTUP = TestAgent.STARTUP_TIMEOUT;

    final Path config;
    final KafkaBroker broker;
    private final TestAgent agent;

    private AgentFixture(TestAgent agent) {
        this.agent = agent;
        this.config = agent.config();
        this.broker = agent.broker();
        TestPlugins.jarPlugin(agent.pluginsDir(), "sequence",
                new Class<?>[] {SequenceSourceType.class, SequenceSource.class}, SequenceSourceType.class);
    }

    static AgentFixture in(Path dir) {
        return new AgentFixture(TestAgent.in(dir));
    }

    static AgentFixture in(Path dir, KafkaBroker broker) {
        return new AgentFixture(TestAgent.in(dir, broker));
    }

    /** Writes agent.yaml: the agent section with {@code agentId} and {@code http: off}, then {@code rest} (sources: ...). */
    AgentFixture write(String agentId, String rest) {
        agent.write(agentId, rest);
        return this;
    }

    /** Writes agent.yaml with these {@code agent:} settings besides the id. */
    AgentFixture write(String agentId, Map<String, String> agentSettings, String rest) {
        agent.write(agentId, agentSettings, rest);
        return this;
    }

    /** Points the agent at other bootstrap servers with these {@code kafka.producer} settings, as {@link TestAgent#kafka} does. */
    AgentFixture kafka(String bootstrapServers, Map<String, String> producer) {
        agent.kafka(bootstrapServers, producer);
        return this;
    }

    Path pluginsDir() {
        return agent.pluginsDir();
    }

    AgentProcess start() {
        return agent.start();
    }

    /** As {@link #start()}, the agent ignoring {@code signal} (such as {@code "HUP"}) as it would under nohup. */
    AgentProcess startIgnoring(String signal) {
        return agent.startIgnoring(Set.of(signal));
    }

    List<ConsumerRecord<byte[], byte[]>> awaitCount(AgentProcess process, String topic, int count, Duration timeout) {
        return agent.awaitCount(process, topic, count, timeout);
    }

    /** Every committed record of {@code topic}, read through the broker's own listener as its super user. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return agent.readAll(topic);
    }

    AgentProcess.Result command(String... args) {
        return agent.command(args);
    }
}
