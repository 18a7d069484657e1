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
import java.util.Locale;
import java.util.Map;
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
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

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

    /** The super user of a broker with SASL users, which {@link #admin()} and {@link #clientConfig()} log in as. */
    public static final String ADMIN_USER = "admin";

    /** The name of the cluster as an ACL resource. */
    public static final String CLUSTER_RESOURCE = "kafka-cluster";

    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String PROXIED_LISTENER = "PROXIED";
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
    private final Map<String, String> saslUsers;
    private final TcpProxy proxy;
    private Process process;
    private Admin admin;
    private boolean closed;

    private KafkaBroker(Path directory, int port, boolean isShared, Map<String, String> saslUsers, TcpProxy proxy) {
        this.directory = directory;
        this.logDir = directory.resolve("kraft-logs");
        this.configFile = directory.resolve("server.properties");
        this.brokerLog = directory.resolve(BROKER_LOG);
        this.port = port;
        this.bootstrapServers = "127.0.0.1:" + port;
        this.isShared = isShared;
        this.saslUsers = saslUsers;
        this.proxy = proxy;
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
        return builder().config(overrides).start();
    }

    /**
     * Starts a broker with JVM options of your own after the defaults ({@code -Xmx512m
     * -XX:+UseSerialGC -XX:TieredStopAtLevel=1}, which start it quickly): a benchmark gives it
     * {@code -XX:TieredStopAtLevel=4} so the broker runs as in production.
     */
    public static KafkaBroker start(Map<String, String> overrides, List<String> jvmOptions) {
        return builder().config(overrides).jvmOptions(jvmOptions).start();
    }

    /** For a broker with a proxied listener or SASL users: {@code KafkaBroker.builder().proxied().start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The broker shared by every test of this JVM: started on first use, killed and deleted when the
     * JVM exits. It cannot be stopped, killed or restarted, and {@link #close()} leaves it running.
     */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            KafkaBroker broker = launch(new Builder(), true);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "tributary-testkit-shared-broker"));
            shared = broker;
        }
        return shared;
    }

    private static KafkaBroker launch(Builder options, boolean isShared) {
        Path directory;
        try {
            directory = Files.createTempDirectory("tributary-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the broker", e);
        }
        int[] ports = freePorts(3);
        TcpProxy proxy = options.proxied ? TcpProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[2])) : null;
        KafkaBroker broker = new KafkaBroker(directory, ports[0], isShared, options.saslUsers, proxy);
        broker.jvmOptions.addAll(options.jvmOptions);
        try {
            broker.writeConfig(ports[0], ports[1], ports[2], options.config);
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

    /**
     * {@code host:port} of the {@link #proxy()}, for the client under test: the broker's second
     * listener advertises the proxy's address, so the client reconnects through the proxy too.
     * Other clients ({@link #admin()}, {@link KafkaReader}) use {@link #bootstrapServers()}, which the
     * proxy never cuts.
     *
     * @throws IllegalStateException unless the broker was built {@link Builder#proxied()}
     */
    public String proxiedBootstrapServers() {
        return proxy().address();
    }

    /**
     * The proxy in front of the broker's proxied listener; it lives as long as the broker, across
     * {@link #kill()} and {@link #restart()}.
     *
     * @throws IllegalStateException unless the broker was built {@link Builder#proxied()}
     */
    public TcpProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("broker " + bootstrapServers + " has no proxy; build it with KafkaBroker.builder().proxied()");
        }
        return proxy;
    }

    /**
     * What a client needs to reach the broker as its super user: {@code bootstrap.servers} and, with
     * SASL, the {@link #ADMIN_USER}'s credentials. {@link #admin()} and {@link KafkaReader} take it.
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (saslUsers != null) {
            config.putAll(saslClientSettings(ADMIN_USER));
        }
        return config;
    }

    /**
     * The security settings of a client logging in as {@code user} ({@code security.protocol},
     * {@code sasl.mechanism}, {@code sasl.jaas.config}), e.g. for the agent's {@code kafka.producer}.
     *
     * @throws IllegalStateException when the broker has no SASL or no such user
     */
    public Map<String, String> saslClientSettings(String user) {
        if (saslUsers == null) {
            throw new IllegalStateException("broker " + bootstrapServers + " has no SASL; build it with KafkaBroker.builder().saslUsers(...)");
        }
        String password = user.equals(ADMIN_USER) ? ADMIN_PASSWORD : saslUsers.get(user);
        if (password == null) {
            throw new IllegalStateException("broker " + bootstrapServers + " has no user " + user + "; it has " + saslUsers.keySet());
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("sasl.jaas.config", PLAIN_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";");
        return settings;
    }

    /**
     * Allows {@code user} the {@code operations} on one resource by its literal name (for the
     * cluster, {@code "kafka-cluster"}), and waits until the broker applies it.
     *
     * @throws IllegalStateException when the broker has no SASL, and so no authorizer
     */
    public void allow(String user, ResourceType type, String name, AclOperation... operations) {
        saslClientSettings(user);
        List<AclBinding> bindings = new ArrayList<>();
        for (AclOperation operation : operations) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                    new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
        }
        await("creating ACLs for " + user, admin().createAcls(bindings).all());
        AclBindingFilter filter = new AclBindingFilter(new ResourcePattern(type, name, PatternType.LITERAL).toFilter(),
                new AccessControlEntryFilter("User:" + user, null, AclOperation.ANY, AclPermissionType.ANY));
        long deadline = System.nanoTime() + OPERATION_TIMEOUT.toNanos();
        while (!await("describing ACLs of " + user, admin().describeAcls(filter).values()).containsAll(bindings)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ACLs of " + user + " on " + type + " " + name + " are not in force after "
                        + OPERATION_TIMEOUT.toSeconds() + " s");
            }
            pause(Duration.ofMillis(50));
        }
    }

    /**
     * Allows {@code user} what a transactional producer such as the agent needs: idempotent writes
     * on the cluster, its {@code transactionalId}, and everything on each of {@code topics} (write,
     * read back, create, describe its configs).
     */
    public void allowTransactionalProducer(String user, String transactionalId, String... topics) {
        allow(user, ResourceType.CLUSTER, CLUSTER_RESOURCE, AclOperation.IDEMPOTENT_WRITE);
        allow(user, ResourceType.TRANSACTIONAL_ID, transactionalId, AclOperation.WRITE, AclOperation.DESCRIBE);
        for (String topic : topics) {
            allow(user, ResourceType.TOPIC, topic, AclOperation.ALL);
        }
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
            admin = Admin.create(clientConfig());
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
        if (proxy != null) {
            proxy.close();
        }
        deleteRecursively(directory);
    }

    private void writeConfig(int port, int controllerPort, int proxiedPort, Map<String, String> overrides) {
        String client = saslUsers == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        String listeners = client + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort;
        String advertised = client + "://127.0.0.1:" + port;
        String protocols = client + ":" + client + ",CONTROLLER:PLAINTEXT";
        if (proxy != null) {
            listeners += "," + PROXIED_LISTENER + "://127.0.0.1:" + proxiedPort;
            advertised += "," + PROXIED_LISTENER + "://" + proxy.address();
            protocols += "," + PROXIED_LISTENER + ":" + client;
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put("listeners", listeners);
        config.put("advertised.listeners", advertised);
        config.put("listener.security.protocol.map", protocols);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", client);
        if (saslUsers != null) {
            putSaslConfig(config, client);
        }
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

    private void putSaslConfig(Map<String, String> config, String client) {
        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE).append(" required username=\"").append(ADMIN_USER)
                .append("\" password=\"").append(ADMIN_PASSWORD).append("\" user_").append(ADMIN_USER).append("=\"")
                .append(ADMIN_PASSWORD).append('"');
        saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        jaas.append(';');
        config.put("sasl.enabled.mechanisms", "PLAIN");
        config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.put("listener.name." + client.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config", jaas.toString());
        if (proxy != null) {
            config.put("listener.name." + PROXIED_LISTENER.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config", jaas.toString());
        }
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.put("allow.everyone.if.no.acl.found", "false");
        /*
         * The controller listener stays PLAINTEXT, where the broker's own requests to the controller
         * carry the ANONYMOUS principal; clients cannot reach it, since it serves controller APIs only.
         */
        config.put("super.users", "User:" + ADMIN_USER + ";User:ANONYMOUS");
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
        try (Admin probe = Admin.create(clientConfig())) {
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

    /** Options of a broker of your own; {@link #start()} starts it. */
    public static final class Builder {
        private final Map<String, String> config = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private boolean proxied;
        private Map<String, String> saslUsers;

        private Builder() {
        }

        /** Broker settings laid over the defaults, as {@link KafkaBroker#start(Map)} takes them. */
        public Builder config(Map<String, String> overrides) {
            config.putAll(overrides);
            return this;
        }

        /** JVM options after the defaults, as {@link KafkaBroker#start(Map, List)} takes them. */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.addAll(options);
            return this;
        }

        /**
         * Adds a second listener behind a {@link TcpProxy}, which it advertises: a client that
         * bootstraps from {@link KafkaBroker#proxiedBootstrapServers()} talks to the broker only
         * through {@link KafkaBroker#proxy()}.
         */
        public Builder proxied() {
            proxied = true;
            return this;
        }

        /**
         * Makes every client listener SASL_PLAINTEXT with the PLAIN mechanism and these users (name
         * to password) besides {@link #ADMIN_USER}, the super user, and authorises with KRaft's
         * {@code StandardAuthorizer}: a user may do only what {@link KafkaBroker#allow} allowed.
         */
        public Builder saslUsers(Map<String, String> users) {
            if (users.containsKey(ADMIN_USER)) {
                throw new IllegalArgumentException("\"" + ADMIN_USER + "\" is the broker's super user; name your users otherwise");
            }
            saslUsers = new LinkedHashMap<>(users);
            return this;
        }

        /** Starts the broker and waits until it answers, as {@link KafkaBroker#start(Map)} does. */
        public KafkaBroker start() {
            return launch(this, false);
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
