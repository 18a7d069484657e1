package io.tributary.agent.pipeline;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent asks Kafka about the topics its sources write, on one lazily created admin
 * client: whether a topic can be written ({@link TopicGate.Checker}), the largest record it takes,
 * and creating a missing dead-letter topic.
 *
 * <p>A missing topic is created here when the brokers would create it on first write
 * ({@code auto.create.topics.enable}), so that the producer never has to wait for it; when the
 * brokers' setting cannot be read it counts as writable and the producer decides.
 */
public final class TopicAdmin implements TopicGate.Checker, UnwritableRecords.Limits, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Set<AclOperation> WRITE = Set.of(AclOperation.WRITE, AclOperation.ALL);

    private final Map<String, Object> connectionConfig;
    private final Map<String, Long> limits = new ConcurrentHashMap<>();
    private volatile Boolean brokersCreateTopics;
    private Admin admin;

    public TopicAdmin(Map<String, Object> connectionConfig) {
        this.connectionConfig = connectionConfig;
    }

    @Override
    public CompletableFuture<TopicGate.TopicStatus> check(String topic) {
        try {
            Topic.validate(topic);
        } catch (InvalidTopicException e) {
            return CompletableFuture.completedFuture(TopicGate.TopicStatus.invalid("topic name \"" + topic + "\" is not valid: " + e.getMessage()));
        }
        DescribeTopicsOptions options = new DescribeTopicsOptions().includeAuthorizedOperations(true).timeoutMs((int) TIMEOUT.toMillis());
        return admin().describeTopics(List.of(topic), options).allTopicNames().toCompletionStage().toCompletableFuture()
                .thenApply(descriptions -> writable(topic, descriptions.get(topic)))
                .exceptionallyCompose(error -> afterDescribeFailed(topic, unwrap(error)));
    }

    private static TopicGate.TopicStatus writable(String topic, TopicDescription description) {
        Set<AclOperation> allowed = description == null ? null : description.authorizedOperations();
        if (allowed == null || allowed.stream().anyMatch(WRITE::contains)) {
            return TopicGate.TopicStatus.WRITABLE;
        }
        return TopicGate.TopicStatus.unavailable("topic " + topic + " is not authorised: this agent's principal may not write to it");
    }

    private CompletableFuture<TopicGate.TopicStatus> afterDescribeFailed(String topic, Throwable error) {
        if (error instanceof TopicAuthorizationException) {
            return CompletableFuture.completedFuture(TopicGate.TopicStatus.unavailable(
                    "topic " + topic + " is not authorised: this agent's principal may not describe it"));
        }
        if (!(error instanceof UnknownTopicOrPartitionException)) {
            return CompletableFuture.failedFuture(error);
        }
        return brokersCreateTopics().thenCompose(create -> {
            if (create == null) {
                // The brokers' setting is unknown: let the producer ask for the topic, as it would without the agent.
                return CompletableFuture.completedFuture(TopicGate.TopicStatus.WRITABLE);
            }
            if (!create) {
                return CompletableFuture.completedFuture(TopicGate.TopicStatus.unavailable(
                        "topic " + topic + " does not exist, and the brokers do not create topics (auto.create.topics.enable=false)"));
            }
            return create(topic).thenApply(problem -> problem == null ? TopicGate.TopicStatus.WRITABLE
                    : TopicGate.TopicStatus.unavailable("topic " + topic + " does not exist and cannot be created: " + problem));
        });
    }

    /** Creates the topic with the brokers' default partitions and replication; completes with null or why not. */
    CompletableFuture<String> create(String topic) {
        NewTopic newTopic = new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty());
        return admin().createTopics(List.of(newTopic), new CreateTopicsOptions().timeoutMs((int) TIMEOUT.toMillis())).all()
                .toCompletionStage().toCompletableFuture()
                .thenApply(done -> {
                    log.info("Created topic {}", topic);
                    return (String) null;
                })
                .exceptionally(error -> {
                    Throwable cause = unwrap(error);
                    return cause instanceof TopicExistsException ? null : cause.getMessage();
                });
    }

    /**
     * Creates the dead-letter topics that are missing, at start, all at once, waiting for Kafka's
     * answers up to {@code timeout}: a source that needs one before it exists pauses until it does.
     * Logs what it could not create.
     */
    public void createMissing(Collection<String> topics, Duration timeout) {
        List<CompletableFuture<String>> creations = new java.util.ArrayList<>();
        for (String topic : topics) {
            creations.add(check(topic).thenCompose(status -> status.kind() == TopicGate.TopicStatus.Kind.WRITABLE
                            ? CompletableFuture.completedFuture((String) null) : create(topic))
                    .whenComplete((problem, error) -> {
                        if (error != null) {
                            log.warn("Cannot check dead-letter topic {} yet ({}); it is checked again when a record needs it",
                                    topic, unwrap(error).getMessage());
                        } else if (problem != null) {
                            log.error("Dead-letter topic {} does not exist and cannot be created ({}); sources that need it pause until it exists",
                                    topic, problem);
                        }
                    }));
        }
        try {
            CompletableFuture.allOf(creations.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            log.debug("Dead-letter topics not all checked within {}: {}", timeout, e.toString());
        }
    }

    private CompletableFuture<Boolean> brokersCreateTopics() {
        Boolean known = brokersCreateTopics;
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        Admin client = admin();
        return client.describeCluster().nodes().toCompletionStage().toCompletableFuture().thenCompose(nodes -> {
            if (nodes.isEmpty()) {
                return CompletableFuture.completedFuture((Boolean) null);
            }
            Node node = nodes.iterator().next();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            return client.describeConfigs(List.of(broker), new DescribeConfigsOptions().timeoutMs((int) TIMEOUT.toMillis())).all()
                    .toCompletionStage().toCompletableFuture().thenApply(configs -> {
                        ConfigEntry entry = configs.get(broker).get("auto.create.topics.enable");
                        Boolean create = entry == null || entry.value() == null ? null : Boolean.valueOf(entry.value());
                        brokersCreateTopics = create;
                        return create;
                    });
        }).exceptionally(error -> {
            log.debug("Cannot read the brokers' auto.create.topics.enable: {}", unwrap(error).toString());
            return null;
        });
    }

    /** The topic's limit as last read, if it was. */
    @Override
    public OptionalLong knownLimit(String topic) {
        Long limit = limits.get(topic);
        return limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    /** Reads the topic's {@code max.message.bytes} from Kafka again; empty when Kafka cannot say. */
    @Override
    public OptionalLong refreshLimit(String topic) {
        try {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            KafkaFuture<Map<ConfigResource, Config>> configs = admin().describeConfigs(List.of(resource)).all();
            Config config = configs.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry == null || entry.value() == null) {
                return OptionalLong.empty();
            }
            long limit = Long.parseLong(entry.value());
            limits.put(topic, limit);
            return OptionalLong.of(limit);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Cannot read max.message.bytes of topic {}: {}", topic, unwrap(e).toString());
            return OptionalLong.empty();
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The admin client the agent shares, made on first use: each client costs a connection and a cold start. */
    public synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new java.util.HashMap<>(connectionConfig);
            config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "tributary-topics");
            admin = Admin.create(config);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
