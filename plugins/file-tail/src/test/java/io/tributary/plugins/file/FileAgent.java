package io.tributary.plugins.file;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.TestAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A {@link TestAgent} with the built {@code file-tail} plugin zip, against the shared broker. */
final class FileAgent {
    final KafkaBroker broker;
    private final TestAgent agent;

    private FileAgent(Path dir) {
        this.agent = TestAgent.in(dir).plugin(TestAgent.builtPluginZip());
        this.broker = agent.broker();
    }

    /** An agent whose config, plugins and data live in {@code dir}. */
    static FileAgent in(Path dir) {
        return new FileAgent(dir);
    }

    /**
     * Writes agent.yaml: agent {@code agentId} with {@code agentExtra} (agent settings, one
     * {@code "  key: value"} line each), the shared broker, then {@code sources} (a {@code sources:} section).
     */
    FileAgent write(String agentId, String agentExtra, String sources) {
        Map<String, String> settings = new HashMap<>();
        agentExtra.lines().forEach(line -> {
            String[] keyAndValue = line.strip().split(": ", 2);
            if (keyAndValue.length != 2) {
                throw new IllegalArgumentException("agentExtra lines must read \"  key: value\", got \"" + line + "\"");
            }
            settings.put(keyAndValue[0], keyAndValue[1]);
        });
        agent.write(agentId, settings, sources);
        return this;
    }

    /** Starts {@code tributary run} and waits until it says it is running. */
    AgentProcess start() {
        return agent.start();
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

    static String tail(AgentProcess process) {
        return TestAgent.tail(process);
    }
}
