package io.tributary.agent;

import io.tributary.agent.checkpoint.CheckpointCodec;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.LoggerFactory;

/**
 * Initialises, on a thread of its own, what {@code tributary run} is sure to need later and costs
 * time to set up in a JVM just started: logback's configuration, the Kafka clients' config
 * definitions and the checkpoint codec. The main thread meanwhile parses the command line and
 * loads the config and plugins, so on a machine with two cores or more the start is shorter by
 * what the two overlap (the idea of Spring Boot's BackgroundPreinitializer). Class initialisation
 * is thread-safe: whichever thread comes first does it, the other waits for it.
 */
final class Preinitializer {
    private Preinitializer() {
    }

    static void start() {
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
            // Only a head start: the thread that needs these later meets the same problem and reports it.
        }
    }
}
