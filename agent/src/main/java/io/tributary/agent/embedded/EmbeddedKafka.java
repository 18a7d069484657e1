package io.tributary.agent.embedded;

import java.nio.file.Path;

/**
 * A local single-node Kafka broker for {@code kafka.bootstrap_servers: embedded}, for trying
 * Tributary and for tests only. The agent finds an implementation with {@link java.util.ServiceLoader};
 * the quickstart tree ships one, the production package does not.
 */
public interface EmbeddedKafka extends AutoCloseable {

    /** Starts the broker with its data under {@code dataDir} and returns its bootstrap servers. */
    String start(Path dataDir) throws Exception;

    /** Stops the broker. */
    @Override
    void close();
}
