package io.tributary.plugins.jdbc;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.TestAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A {@link TestAgent} with the built {@code jdbc} plugin zip, against the shared broker. */
final class JdbcAgent {
    /*
     * Written out although they are the defaults: JdbcSourceIT expects its sources section to start
     * on line 8 of agent.yaml, as the errors it asserts name lines.
     */
    private static final Map<String, String> AGENT_SETTINGS = Map.of("plugins_dir", "plugins", "data_dir", "data", "http", "off");

    final Path config;
    private final TestAgent agent;

    private JdbcAgent(Path dir) {
        this.agent = TestAgent.in(dir).plugin(TestAgent.builtPluginZip());
        this.config = agent.config();
    }

    /** An agent whose config, plugins and data live in {@code dir}. */
    static JdbcAgent in(Path dir) {
        return new JdbcAgent(dir);
    }

    /** Writes agent.yaml: agent {@code agentId}, the shared broker, then {@code sources} (a {@code sources:} section). */
    JdbcAgent write(String agentId, String sources) {
        agent.write(agentId, AGENT_SETTINGS, sources);
        return this;
    }

    /** Starts {@code tributary run} and waits until it says it is running. */
    AgentProcess start() {
        return agent.start();
    }

    /** Creates {@code topic} before any agent writes it, so that no producer warns it does not exist yet. */
    void createTopic(String topic) {
        agent.broker().createTopic(topic, 1, Map.of());
    }

    static void stopGracefully(AgentProcess process) {
        TestAgent.stopGracefully(process);
    }

    static void crash(AgentProcess process) {
        TestAgent.crash(process);
    }

    List<ConsumerRecord<byte[], byte[]>> awaitCount(AgentProcess process, String topic, int count, Duration timeout) {
        return agent.awaitCount(process, topic, count, timeout);
    }

    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return agent.readAll(topic);
    }

    AgentProcess.Result command(String... args) {
        return agent.command(args);
    }
}
