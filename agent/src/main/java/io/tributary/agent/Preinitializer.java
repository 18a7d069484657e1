package io.tributary.agent;

import io.tributary.agent.checkpoint.CheckpointCodec;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.LoggerFactory;

/**
 * Initialises, on a thread of its own, what {@code tributary run} and {@code validate} are sure to
 * need and cost time to set up in a JVM just started: logging (logback reads its XML file), the
 * Kafka clients' config definitions and the checkpoint codec. The main thread meanwhile reads the
 * config file and loads the plugins, so on a machine with two cores or more the start is shorter by
 * what the two overlap (the idea of Spring Boot's BackgroundPreinitializer). Class initialisation
 * is thread-safe: whichever thread comes first does it, the other waits for it.
 *
 * <p>What the main thread logs while logging is being set up, SLF4J holds and hands to logback once
 * it is ready, in order and filtered as usual. It says so on stderr by default; at each start of an
 * agent, that notice would only worry, so SLF4J's own reporting is kept to errors.
 */
final class Preinitializer {
    /** SLF4J's setting of what it reports about itself. */
    static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

    private Preinitializer() {
    }

    static void start() {
        if (System.getProperty(SLF4J_VERBOSITY) == null) {
            System.setProperty(SLF4J_VERBOSITY, "ERROR");
        }
        Thread thread = new Thread(Preinitializer::initialise, "tributary-preinitializer");
        thread.setDaemon(true);
        thread.start();
    }

    private static void initialise() {
        try {
            LoggerFactory.getILoggerFactory();
            ProducerConfig.configNames();
            ConsumerConfig.configNames();
            AdminClientConfig.configNames();
            CheckpointCodec.preinitialise();
        } catch (RuntimeException | LinkageError e) {
            // Only a head start: whoever needs these later meets the same problem and reports it.
        }
    }
}
