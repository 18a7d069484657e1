package com.example.tributary;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.TestAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A {@link TestAgent} with an empty plugins_dir for the test to fill, against the shared broker. */
final class PluginAgent {
    static final Duration WAIT = Duration.ofSeconds(90);

    final Path pluginsDir;
    private final TestAgent agent;

    PluginAgent(Path dir) {
        this.agent = TestAgent.in(dir);
        this.pluginsDir = agent.pluginsDir();
    }

    /** Writes agent.yaml: the agent and kafka sections, then {@code rest} (sources: ...). */
    PluginAgent write(String agentId, String rest) {
        agent.write(agentId, rest);
        return this;
    }

    AgentProcess start() {
        return agent.start(WAIT);
    }

    List<ConsumerRecord<byte[], byte[]>> awaitCount(AgentProcess process, String topic, int count) {
        return agent.awaitCount(process, topic, count, WAIT);
    }
}
