package io.tributary.connect;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Kafka Connect distributed worker ({@code ConnectDistributed} from connect-runtime) in a
 * child JVM on loopback, with exactly-once source support enabled and a plugin path; it logs to a
 * file beside its config. Its class path is this JVM's without Tributary's own modules, so the
 * worker finds Tributary only as a plugin, from the plugin path.
 */
final class ConnectWorker implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final URI rest;
    private final Path log;

    private ConnectWorker(Process process, URI rest, Path log) {
        this.process = process;
        this.rest = rest;
        this.log = log;
    }

    /** Starts a worker of the Connect cluster {@code groupId} and returns once its REST API answers. */
    static ConnectWorker start(Path dir, String bootstrapServers, String groupId, Path pluginPath) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(dir);
        Map<String, String> config = new TreeMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("group.id", groupId);
        config.put("config.storage.topic", groupId + "-configs");
        config.put("offset.storage.topic", groupId + "-offsets");
        config.put("status.storage.topic", groupId + "-status");
        config.put("config.storage.replication.factor", "1");
        config.put("offset.storage.replication.factor", "1");
        config.put("offset.storage.partitions", "1");
        config.put("status.storage.replication.factor", "1");
        config.put("status.storage.partitions", "1");
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("listeners", "http://127.0.0.1:" + port);
        config.put("rest.advertised.host.name", "127.0.0.1");
        config.put("rest.advertised.port", Integer.toString(port));
        config.put("plugin.path", pluginPath.toString());
        config.put("exactly.once.source.support", "enabled");
        // A dead worker's tasks move after its session expired and this delay: seconds, not minutes.
        config.put("scheduled.rebalance.max.delay.ms", "2000");
        config.put("session.timeout.ms", "6000");
        config.put("heartbeat.interval.ms", "1000");
        config.put("offset.flush.interval.ms", "500");
        Path properties = dir.resolve("worker.properties");
        Files.writeString(properties, config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
        Path log = dir.resolve("worker.log");
        Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.kafka.clients" level="WARN"/>
                  <logger name="org.apache.kafka.common" level="WARN"/>
                  <logger name="org.eclipse.jetty" level="WARN"/>
                  <logger name="org.reflections" level="ERROR"/>
                  <root level="INFO"><appender-ref ref="out"/></root>
                </configuration>
                """);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", workerClassPath(), "-Dlogback.configurationFile=" + logback, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "org.apache.kafka.connect.cli.ConnectDistributed", properties.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ConnectWorker worker = new ConnectWorker(process, URI.create("http://127.0.0.1:" + port), log);
        worker.awaitRest();
        return worker;
    }

    /** Creates or updates connector {@code name} through the REST API. */
    void putConnector(String name, Map<String, String> config) throws Exception {
        String answer = put("/connectors/" + name + "/config", config);
        if (!answer.contains("\"name\":\"" + name + "\"")) {
            throw new AssertionError("PUT /connectors/" + name + "/config answered: " + answer);
        }
    }

    /** The id Connect gives this worker in a connector's status. */
    String workerId() {
        return rest.getHost() + ":" + rest.getPort();
    }

    /** {@code PUT path} on the REST API with a JSON body: the answer's body, whatever its status. */
    String put(String path, Object body) throws Exception {
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body);
        return HTTP.send(HttpRequest.newBuilder(rest.resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** {@code GET path} on the REST API: its body, or null when it does not answer 200. */
    String get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(rest.resolve(path)).GET()
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** SIGKILL, as a crashed machine; returns once the process is gone. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private void awaitRest() throws Exception {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (get("/connector-plugins") == null) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new AssertionError("the Connect worker did not answer within " + STARTUP_TIMEOUT + "; its log:\n" + tail());
            }
            Thread.sleep(250);
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * This JVM's class path without Tributary's modules (the build's own folders, set as
     * {@code tributary.root}) and jars: Connect and its dependencies.
     */
    private static String workerClassPath() {
        String root = Path.of(System.getProperty("tributary.root", "../..")).toAbsolutePath().normalize().toString();
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).toAbsolutePath().normalize().startsWith(root) && !entry.contains("io/tributary"))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
