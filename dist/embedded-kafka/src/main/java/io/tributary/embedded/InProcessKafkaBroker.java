package io.tributary.embedded;

import io.tributary.agent.embedded.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) running inside the agent's JVM,
 * for {@code kafka.bootstrap_servers: embedded}.
 *
 * <p>It listens on loopback only: on {@value #PREFERRED_PORT}, Kafka's usual port, so that a consumer
 * of the user's own finds it without being told, or on a free port when that one is taken. Either
 * way the address is written to {@value #BOOTSTRAP_SERVERS_FILE} in its data folder. Its data (the
 * formatted log folder, kept across restarts) lives in {@code dataDir/kraft-logs}.
 */
public final class InProcessKafkaBroker implements EmbeddedKafka {

    /** Kafka's default port, which tools and tutorials assume. */
    public static final int PREFERRED_PORT = 9092;
    /** Holds {@code host:port} of the running broker, for the quickstart consumer and for tests. */
    public static final String BOOTSTRAP_SERVERS_FILE = "bootstrap_servers";

    private static final String META_PROPERTIES = "meta.properties";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);

    private KafkaRaftServer server;
    private Path bootstrapServersFile;

    @Override
    public String start(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        Path logDir = dataDir.resolve("kraft-logs");
        int port = portFreeOr(PREFERRED_PORT);
        int controllerPort = portFreeOr(0);
        String bootstrapServers = "127.0.0.1:" + port;
        Properties config = brokerConfig(logDir, port, controllerPort);
        Path configFile = dataDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            config.store(out, "Written by Tributary's embedded broker at each start");
        }
        format(configFile, clusterId(logDir));
        server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        awaitReady(bootstrapServers, port);
        bootstrapServersFile = dataDir.resolve(BOOTSTRAP_SERVERS_FILE);
        Files.writeString(bootstrapServersFile, bootstrapServers + "\n", StandardCharsets.UTF_8);
        return bootstrapServers;
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        try {
            if (bootstrapServersFile != null) {
                Files.deleteIfExists(bootstrapServersFile);
            }
        } catch (IOException e) {
            // A stale file only misleads a consumer until the next start rewrites it.
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    private static Properties brokerConfig(Path logDir, int port, int controllerPort) {
        Properties config = new Properties();
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
        // One partition instead of 50 each: quicker to create and to recover on a laptop.
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("num.partitions", "1");
        config.put("auto.create.topics.enable", "true");
        // The log cleaner (the offsets topics are compacted) takes 128 MiB of heap by default for its
        // dedupe buffer, more than the whole agent needs; a few MiB compact a quickstart's topics.
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        return config;
    }

    /**
     * The cluster id the log folder was formatted with, or a new one on first start. The broker
     * refuses to start when its config names another id than the folder's {@value #META_PROPERTIES}
     * holds, even with {@code --ignore-formatted}, so a second start must format with the first id.
     */
    static String clusterId(Path logDir) throws IOException {
        Path metaProperties = logDir.resolve(META_PROPERTIES);
        if (Files.exists(metaProperties)) {
            Properties meta = new Properties();
            try (var in = Files.newBufferedReader(metaProperties, StandardCharsets.UTF_8)) {
                meta.load(in);
            }
            String clusterId = meta.getProperty("cluster.id");
            if (clusterId != null && !clusterId.isBlank()) {
                return clusterId;
            }
        }
        return Uuid.randomUuid().toString();
    }

    /** Formats the log folder on first start; keeps the data of earlier starts. */
    private static void format(Path configFile, String clusterId) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String[] args = {"format", "--ignore-formatted", "-t", clusterId, "-c", configFile.toString()};
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(args, out);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("formatting the broker's log folder failed: "
                    + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private static int portFreeOr(int preferred) throws IOException {
        try (ServerSocket socket = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException taken) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }
    }

    /* Waits for the listener first: an admin client polling a closed port logs a warning per attempt. */
    private static void awaitReady(String bootstrapServers, int port) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!accepts(port)) {
            failAfter(deadline, bootstrapServers);
            Thread.sleep(PROBE_INTERVAL.toMillis());
        }
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin probe = Admin.create(config)) {
            while (true) {
                try {
                    probe.describeCluster(new DescribeClusterOptions().timeoutMs(1000)).nodes().get();
                    return;
                } catch (ExecutionException notReadyYet) {
                    failAfter(deadline, bootstrapServers);
                }
            }
        }
    }

    private static void failAfter(long deadline, String bootstrapServers) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the broker at " + bootstrapServers + " did not answer within "
                    + STARTUP_TIMEOUT.toSeconds() + " s");
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
}
