package io.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running in a child
 * JVM on loopback, with free ports and its own temporary directory.
 *
 * <p>The broker runs from the Kafka jars on this JVM's class path, so it is the same Kafka version as
 * the client. It logs at WARN, together with its stdout and stderr, to {@code broker.log} beside
 * {@link #logDir()}. It never outlives the JVM that started it.
 *
 * <p>Use {@link #shared()} for tests that only produce and consume; tests that stop, kill or restart
 * the broker {@link #start()} their own:
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.start()) {
 *     broker.createTopic("orders", 3, Map.of());
 *     broker.kill();
 *     broker.restart();
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {

    /** How long {@link #start()} and {@link #restart()} wait for the broker to answer. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);
    private static final long STOP_GRACE_PERIOD_SECONDS = 30;
    private static final int LOG_TAIL_LINES = 40;
    private static final String BROKER_LOG = "broker.log";

    /*
     * C1 only and the serial collector made the broker ready a little sooner here (0.1 to 0.6 s of
     * about 4 s); a test broker never runs long enough for C2 to pay off.
     */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static KafkaBroker shared;

    private final Path directory;
    private final Path logDir;
    private final Path configFile;
    private final Path brokerLog;
    private final List<String> jvmOptions;
    private final int port;
    private final String bootstrapServers;
    private final boolean isShared;
    private Process process;
    private Admin admin;
    private boolean closed;

    private KafkaBroker(Path directory, int port, int controllerPort, boolean isShared) {
        this.directory = directory;
        this.logDir = directory.resolve("kraft-logs");
        this.configFile = directory.resolve("server.properties");
        this.brokerLog = directory.resolve(BROKER_LOG);
        this.port = port;
        this.bootstrapServers = "127.0.0.1:" + port;
        this.isShared = isShared;
        Path log4jConfig = directory.resolve("log4j2.xml");
        Path logbackConfig = directory.resolve("logback.xml");
        this.jvmOptions = new ArrayList<>(JVM_OPTIONS);
        jvmOptions.add("-Dlog4j2.configurationFile=" + log4jConfig);
        jvmOptions.add("-Dlogback.configurationFile=" + logbackConfig);
        writeString(log4jConfig, LOG4J2_CONFIG);
        writeString(logbackConfig, LOGBACK_CONFIG);
    }

    /** Starts a broker with the default settings and waits until it answers. */
    public static KafkaBroker start() {
        return start(Map.of());
    }

    /**
     * Starts a broker and waits until it answers.
     *
     * @param overrides broker settings laid over the defaults ({@code num.partitions=1},
     *                  {@code auto.create.topics.enable=true}, replication factors of 1, internal
     *                  topics of one partition, no initial rebalance delay, a 4 s broker session
     *                  so that a restart after a kill is quick); leave the listeners,
     *                  {@code node.id} and {@code log.dirs} alone
     * @throws IllegalStateException when the broker does not answer within {@link #STARTUP_TIMEOUT},
     *                               with the tail of {@code broker.log}
     */
    public static KafkaBroker start(Map<String, String> overrides) {
        return launch(overrides, List.of(), false);
    }

    /**
     * Starts a broker with JVM options of your own after the defaults ({@code -Xmx512m
     * -XX:+UseSerialGC -XX:TieredStopAtLevel=1}, which start it quickly): a benchmark gives it
     * {@code -XX:TieredStopAtLevel=4} so the broker runs as in production.
     */
    public static KafkaBroker start(Map<String, String> overrides, List<String> jvmOptions) {
        return launch(overrides, jvmOptions, false);
    }

    /**
     * The broker shared by every test of this JVM: started on first use, killed and deleted when the
     * JVM exits. It cannot be stopped, killed or restarted, and {@link #close()} leaves it running.
     */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            KafkaBroker broker = launch(Map.of(), List.of(), true);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "tributary-testkit-shared-broker"));
            shared = broker;
        }
        return shared;
    }

    private static KafkaBroker launch(Map<String, String> overrides, List<String> extraJvmOptions, boolean isShared) {
        Path directory;
        try {
            directory = Files.createTempDirectory("tributary-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the broker", e);
        }
        int[] ports = freePorts(2);
        KafkaBroker broker = new KafkaBroker(directory, ports[0], ports[1], isShared);
        broker.jvmOptions.addAll(extraJvmOptions);
        try {
            broker.writeConfig(ports[0], ports[1], overrides);
            broker.format();
            broker.launchProcess();
            return broker;
        } catch (RuntimeException e) {
            broker.destroy();
            throw e;
        }
    }

    /** {@code host:port} of the broker's listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's {@code log.dirs}: where its partitions and metadata live. */
    public Path logDir() {
        return logDir;
    }

    /** Stops the broker gracefully (SIGTERM) and waits until it exited; kills it after 30 s. */
    public synchronized void stop() {
        refuseIfShared("stop");
        if (process != null) {
            ChildJvm.terminate(process, STOP_GRACE_PERIOD_SECONDS);
        }
    }

    /** Kills the broker (SIGKILL), as a crash would, and waits until it is gone. */
    public synchronized void kill() {
        refuseIfShared("kill");
        if (process != null) {
            ChildJvm.kill(process);
        }
    }

    /**
     * Starts the broker again after {@link #stop()} or {@link #kill()}, on the same ports and log
     * directory, and waits until it answers.
     *
     * @throws IllegalStateException when it is still running or does not answer in time
     */
    public synchronized void restart() {
        refuseIfShared("restart");
        if (closed) {
            throw new IllegalStateException("broker " + bootstrapServers + " is closed");
        }
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("broker " + bootstrapServers + " is running; stop() or kill() it first");
        }
        launchProcess();
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader.
     *
     * @param configs topic settings such as {@code cleanup.policy}; empty for the broker's defaults
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
        await("creating topic " + name, admin().createTopics(List.of(topic)).all());
        long deadline = System.nanoTime() + OPERATION_TIMEOUT.toNanos();
        while (!hasLeaders(name, partitions)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + name + " has partitions without a leader after "
                        + OPERATION_TIMEOUT.toSeconds() + " s");
            }
            pause(Duration.ofMillis(50));
        }
    }

    /** An admin client of this broker, created on first use and closed by {@link #close()}. */
    public synchronized Admin admin() {
        if (admin == null) {
            Properties config = new Properties();
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            admin = Admin.create(config);
        }
        return admin;
    }

    /**
     * Stops the broker, closes {@link #admin()} and deletes the broker's directory. Does nothing on
     * the {@link #shared()} broker, which lives until the JVM exits.
     */
    @Override
    public void close() {
        if (!isShared) {
            destroy();
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers + ", " + directory + "]";
    }

    private synchronized void destroy() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (process != null) {
            if (isShared) {
                ChildJvm.kill(process);
            } else {
                ChildJvm.terminate(process, STOP_GRACE_PERIOD_SECONDS);
            }
        }
        deleteRecursively(directory);
    }

    private void writeConfig(int port, int controllerPort, Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", logDir.toString());
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        // One partition instead of 50 each: created on first use and recovered after a kill, quickly.
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("num.partitions", "1");
        config.put("auto.create.topics.enable", "true");
        /*
         * After a kill the controller keeps the dead broker's registration until its session times
         * out, and refuses the restarted broker until then: 9 s by default, 4 s here.
         */
        config.put("broker.heartbeat.interval.ms", "500");
        config.put("broker.session.timeout.ms", "4000");
        config.putAll(overrides);
        StringBuilder text = new StringBuilder();
        config.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        writeString(configFile, text.toString());
    }

    private void format() {
        List<String> args = List.of("format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString());
        Process formatting = ChildJvm.start(jvmOptions, Map.of(), "kafka.tools.StorageTool", args,
                ProcessBuilder.Redirect.appendTo(brokerLog.toFile()));
        try {
            if (!formatting.waitFor(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                ChildJvm.kill(formatting);
                throw new IllegalStateException("formatting " + logDir + " took longer than "
                        + STARTUP_TIMEOUT.toSeconds() + " s\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ChildJvm.kill(formatting);
            throw new IllegalStateException("interrupted while formatting " + logDir, e);
        }
        if (formatting.exitValue() != 0) {
            throw new IllegalStateException("formatting " + logDir + " failed with exit code "
                    + formatting.exitValue() + "\n" + logTail());
        }
    }

    private void launchProcess() {
        process = ChildJvm.start(jvmOptions, Map.of(), "kafka.Kafka", List.of(configFile.toString()),
                ProcessBuilder.Redirect.appendTo(brokerLog.toFile()));
        awaitReady();
    }

    /*
     * Waits for the listener before asking the broker anything: an admin client polling a port
     * nobody listens on yet logs a warning per attempt into the test's output.
     */
    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!accepts(port)) {
            failIfGone(deadline);
            pause(Duration.ofMillis(100));
        }
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin probe = Admin.create(config)) {
            while (true) {
                failIfGone(deadline);
                try {
                    probe.describeCluster(new DescribeClusterOptions().timeoutMs(1000)).nodes().get();
                    return;
                } catch (ExecutionException notReadyYet) {
                    // asked again until failIfGone sees the deadline pass
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for broker " + bootstrapServers, e);
                }
            }
        }
    }

    private void failIfGone(long deadline) {
        if (!process.isAlive()) {
            throw new IllegalStateException("broker " + bootstrapServers + " exited with code "
                    + process.exitValue() + " while starting\n" + logTail());
        }
        if (System.nanoTime() > deadline) {
            ChildJvm.kill(process);
            throw new IllegalStateException("broker " + bootstrapServers + " did not answer within "
                    + STARTUP_TIMEOUT.toSeconds() + " s\n" + logTail());
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean hasLeaders(String topic, int partitions) {
        try {
            TopicDescription description = admin().describeTopics(List.of(topic)).allTopicNames()
                    .get(OPERATION_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(topic);
            return description.partitions().size() == partitions
                    && description.partitions().stream().allMatch(partition -> partition.leader() != null);
        } catch (ExecutionException e) {
            return false;
        } catch (TimeoutException e) {
            throw new IllegalStateException("describing topic " + topic + " took longer than "
                    + OPERATION_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    private static <T> T await(String what, KafkaFuture<T> future) {
        try {
            return future.get(OPERATION_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " took longer than " + OPERATION_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(brokerLog, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return "last lines of " + brokerLog + ":\n" + String.join("\n", tail);
        } catch (IOException e) {
            return "cannot read " + brokerLog + ": " + e;
        }
    }

    private void refuseIfShared(String operation) {
        if (isShared) {
            throw new UnsupportedOperationException("cannot " + operation
                    + " the shared broker, which other tests use; start a broker of your own");
        }
    }

    /*
     * Binding both at once guarantees two distinct ports. Another process may take one before the
     * broker binds it; on loopback with ephemeral ports that is rare enough for tests.
     */
    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on loopback", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void writeString(Path file, String text) {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /*
     * Console only: the child's stdout is appended to broker.log, so log lines and anything the JVM
     * prints land in one file in the order they happened.
     */
    private static final String LOG4J2_CONFIG = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="WARN">
              <Appenders>
                <Console name="stdout" target="SYSTEM_OUT">
                  <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level %logger{1} - %msg%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Root level="WARN"><AppenderRef ref="stdout"/></Root>
              </Loggers>
            </Configuration>
            """;

    /* For test class paths where logback is the SLF4J provider, as in the agent's. */
    private static final String LOGBACK_CONFIG = """
            <configuration>
              <appender name="stdout" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{1} - %msg%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="stdout"/></root>
            </configuration>
            """;
}
