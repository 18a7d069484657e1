package io.tributary.plugins.syslog;

import static org.awaitility.Awaitility.await;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.TestAgent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A {@link TestAgent} with the built syslog plugin zip and one syslog source called {@code syslog},
 * listening on port 0 addresses, against the shared broker; its metrics on a port 0
 * {@code agent.http}. Failures name what the agent printed last.
 */
final class SyslogAgent implements AutoCloseable {
    private static final Pattern HTTP_LINE = Pattern.compile("Serving /metrics and /health on (http://\\S+)");

    private final TestAgent agent;
    private AgentProcess process;
    private final String topic;

    private SyslogAgent(TestAgent agent, AgentProcess process, String topic) {
        this.agent = agent;
        this.process = process;
        this.topic = topic;
    }

    /**
     * Writes {@code agent.yaml} in {@code dir} and starts the agent; returns once every address of
     * {@code listen} is bound.
     *
     * @param id             the agent's id, also the topic its source writes to
     * @param listen         the source's addresses, e.g. {@code ["tcp://127.0.0.1:0"]}
     * @param sourceSettings further YAML lines of the source, each indented by four spaces
     */
    static SyslogAgent start(Path dir, String id, List<String> listen, String sourceSettings) {
        return start(TestAgent.in(dir), Map.of(), id, listen, sourceSettings);
    }

    /**
     * As {@link #start(Path, String, List, String)}, with a test agent of its own (on another broker,
     * say) and further {@code agent} settings.
     */
    static SyslogAgent start(TestAgent base, Map<String, String> agentSettings, String id, List<String> listen,
                             String sourceSettings) {
        Map<String, String> settings = new java.util.HashMap<>(agentSettings);
        settings.put("http", "127.0.0.1:0");
        TestAgent agent = base.plugin(TestAgent.builtPluginZip()).write(id, settings, """
                sources:
                  syslog:
                    type: syslog
                    topic: %s
                    listen: [%s]
                %s""".formatted(id, String.join(", ", listen), sourceSettings));
        SyslogAgent syslog = new SyslogAgent(agent, agent.start(), id);
        AgentProcess process = syslog.process;
        try {
            await().atMost(TestAgent.STARTUP_TIMEOUT).until(() -> !process.isAlive() || listeningLines(process).size() == listen.size());
        } catch (ConditionTimeoutException e) {
            syslog.close();
            throw new AssertionError("the agent did not listen on " + listen + " within " + TestAgent.STARTUP_TIMEOUT + syslog.tail(), e);
        }
        if (!process.isAlive()) {
            syslog.close();
            throw new AssertionError("the agent exited at its start" + syslog.tail());
        }
        return syslog;
    }

    /** The address the source listens on for {@code transport} ({@code udp}, {@code tcp} or {@code tls}). */
    InetSocketAddress address(String transport) {
        Pattern line = Pattern.compile("Listening for syslog on " + transport + "://([0-9.]+):([0-9]+)");
        for (String printed : listeningLines(process)) {
            Matcher matcher = line.matcher(printed);
            if (matcher.find()) {
                return new InetSocketAddress(matcher.group(1), Integer.parseInt(matcher.group(2)));
            }
        }
        throw new AssertionError("the agent does not listen on " + transport + tail());
    }

    int port(String transport) {
        return address(transport).getPort();
    }

    /**
     * The sum of the agent's Prometheus samples of {@code name} (e.g.
     * {@code tributary_syslog_udp_messages_total}) over all tags; 0 while there is none.
     */
    double metric(String name) {
        String metrics;
        try (InputStream in = URI.create(httpBase() + "/metrics").toURL().openStream()) {
            metrics = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the agent's /metrics", e);
        }
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(metrics);
        double sum = 0;
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(2));
        }
        return sum;
    }

    /** Waits for at least {@code count} committed records in the source's topic and returns all read. */
    List<ConsumerRecord<byte[], byte[]>> awaitCount(int count, Duration timeout) {
        return agent.awaitCount(process, topic, count, timeout);
    }

    /** Every committed record of the source's topic. */
    List<ConsumerRecord<byte[], byte[]>> readAll() {
        return agent.readAll(topic);
    }

    /**
     * SIGKILL, as a crash would, then starts the agent again on the same config and waits until it
     * listens; its addresses must have fixed ports for senders to find it again.
     */
    void crashAndRestart() {
        TestAgent.crash(process);
        AgentProcess restarted = agent.start();
        process = restarted;
        try {
            await().atMost(TestAgent.STARTUP_TIMEOUT).until(() -> !restarted.isAlive() || !listeningLines(restarted).isEmpty());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the restarted agent did not listen within " + TestAgent.STARTUP_TIMEOUT + tail(), e);
        }
        if (!restarted.isAlive()) {
            throw new AssertionError("the restarted agent exited at its start" + tail());
        }
    }

    /** SIGTERM, then waits for a graceful exit (code 0). */
    void stopGracefully() {
        TestAgent.stopGracefully(process);
    }

    /** The agent's last lines, for failure messages. */
    String tail() {
        return "; the agent printed last:\n" + TestAgent.tail(process);
    }

    @Override
    public void close() {
        process.close();
    }

    private String httpBase() {
        for (String line : process.lines()) {
            Matcher matcher = HTTP_LINE.matcher(line);
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        throw new AssertionError("the agent serves no /metrics" + tail());
    }

    private static List<String> listeningLines(AgentProcess process) {
        return process.lines().stream().filter(line -> line.contains("Listening for syslog on ")).toList();
    }
}
