package io.tributary.plugins.interceptors;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.TestAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@link TestAgent} whose plugins_dir holds this module's zip and the example plugins'
 * ({@code counter} source, {@code trail} interceptor), against the shared broker, serving /metrics.
 */
final class AgentWithPlugins {
    static final Duration WAIT = Duration.ofSeconds(90);

    final Path pluginsDir;
    final KafkaBroker broker;
    private final int httpPort = freePort();
    private final TestAgent agent;

    private AgentWithPlugins(Path dir) {
        Path examples = Path.of(System.getProperty("tributary.example.plugins"));
        this.agent = TestAgent.in(dir)
                .plugin(TestAgent.builtPluginZip())
                .plugin(examples.resolve("tributary-plugin-example-source.zip"))
                .plugin(examples.resolve("tributary-plugin-example-interceptor.zip"));
        this.pluginsDir = agent.pluginsDir();
        this.broker = agent.broker();
    }

    static AgentWithPlugins in(Path dir) {
        return new AgentWithPlugins(dir);
    }

    /** Writes agent.yaml: the agent and kafka sections, then {@code rest} (sources, interceptors). */
    AgentWithPlugins write(String agentId, String rest) {
        agent.write(agentId, Map.of("http", "127.0.0.1:" + httpPort), rest);
        return this;
    }

    AgentProcess start() {
        return agent.start(WAIT);
    }

    AgentProcess.Result validate() {
        return agent.command("validate");
    }

    /** Waits for {@code count} committed records in {@code topic}; a timeout shows what the agent printed. */
    List<ConsumerRecord<byte[], byte[]>> awaitCount(AgentProcess process, String topic, int count) {
        return agent.awaitCount(process, topic, count, WAIT);
    }

    /** The agent's /metrics page. */
    String metrics() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
