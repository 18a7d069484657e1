package io.tributary.agent.pipeline;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the shared producer and replaces it when it cannot go on: a transaction that cannot be
 * aborted, or fencing. Making the replacement is retried with a backoff for as long as Kafka is
 * away, so an outage never ends the agent.
 *
 * <p>Fencing has two causes. The transaction coordinator fences a producer whose transaction it
 * aborted after {@code transaction.timeout.ms} (an outage long enough does that); the agent then
 * initialises a new producer and goes on. A second agent with the same {@code agent.id} fences this
 * one when it starts. The two are told apart on evidence: the coordinator only aborts a transaction
 * open for longer than {@code transaction.timeout.ms}, so fencing of a younger transaction, or of none,
 * is a second agent (fencing again soon after re-initialising is such a case too). After
 * re-initialising, the committed checkpoints are read back: checkpoints this agent did not write mean
 * another agent wrote for its sources meanwhile, and this one stops rather than write them again.
 */
final class ProducerSupervisor {
    private static final Logger log = LoggerFactory.getLogger(ProducerSupervisor.class);
    static final String FENCED_MESSAGE = "another agent with the same agent.id took over its transactional.id and fenced this one: "
            + "this agent stops. Run one agent per agent.id";
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);

    private final Supplier<Producer<byte[], byte[]>> factory;
    private final Ticker ticker;
    private final ProducerHealth health;
    private final long transactionTimeoutNanos;
    private final BooleanSupplier abandoned;
    private final Supplier<String> foreignCommits;
    private final Counter replacements;
    private Producer<byte[], byte[]> current;

    /**
     * @param factory           makes a new producer, its transactions initialised; throws when Kafka cannot be reached
     * @param transactionTimeout the producer's {@code transaction.timeout.ms}
     * @param abandoned          true once the agent gave up waiting for Kafka at stop
     * @param foreignCommits     reads the committed checkpoints back and says which this agent did not write; null when none
     */
    ProducerSupervisor(Producer<byte[], byte[]> initial, Supplier<Producer<byte[], byte[]>> factory, Duration transactionTimeout,
                       Ticker ticker, ProducerHealth health, BooleanSupplier abandoned, Supplier<String> foreignCommits,
                       MeterRegistry registry) {
        this.current = initial;
        this.factory = factory;
        this.ticker = ticker;
        this.health = health;
        this.transactionTimeoutNanos = transactionTimeout.toNanos();
        this.abandoned = abandoned;
        this.foreignCommits = foreignCommits;
        this.replacements = Counter.builder("tributary.producer.replacements")
                .description("Times the shared producer was replaced (a transaction that could not be aborted, or fencing)").register(registry);
    }

    Producer<byte[], byte[]> producer() {
        return current;
    }

    /**
     * Fenced: re-initialises when the coordinator can have done it, and throws
     * {@link Committer.FatalException} when it was a second agent.
     *
     * @param transactionAge how long the transaction that was fenced had been open; zero when none was
     */
    void fenced(KafkaException error, Duration transactionAge) throws InterruptedException {
        if (transactionAge.toNanos() < transactionTimeoutNanos) {
            throw new Committer.FatalException(FENCED_MESSAGE, error);
        }
        log.warn("The producer was fenced after its transaction was open for {} s, longer than transaction.timeout.ms: the transaction "
                + "coordinator aborted it. Re-initialising", transactionAge.toSeconds());
        replace("fenced after transaction.timeout.ms: " + error.getMessage());
        String foreign = foreignCommits.get();
        if (foreign != null) {
            throw new Committer.FatalException(FENCED_MESSAGE + " (" + foreign + ")", error);
        }
    }

    /** Closes the producer and makes a new one, retrying until it has one or the agent gives up. */
    void replace(String why) throws InterruptedException {
        closeQuietly(current);
        current = null;
        replacements.increment();
        Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
        while (true) {
            if (abandoned.getAsBoolean()) {
                throw new Committer.Abandoned();
            }
            try {
                current = factory.get();
                log.info("Replaced the producer ({})", why);
                return;
            } catch (KafkaException e) {
                Duration wait = backoff.next();
                health.problem("cannot initialise a new producer: " + e.getMessage());
                log.warn("Cannot initialise a new producer yet ({}); retrying in {} ms", KafkaErrors.describe(e), wait.toMillis());
                ticker.sleep(wait);
            }
        }
    }

    private static void closeQuietly(Producer<byte[], byte[]> producer) {
        if (producer == null) {
            return;
        }
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("closing the old producer failed", e);
        }
    }
}
