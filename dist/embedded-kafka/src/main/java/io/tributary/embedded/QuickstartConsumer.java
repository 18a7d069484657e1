package io.tributary.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The quickstart's window into Kafka: prints every record of a topic of the embedded broker as a
 * {@code read_committed} consumer sees it, from the beginning, until interrupted (Ctrl-C).
 *
 * <p>Usage: {@code QuickstartConsumer BOOTSTRAP_SERVERS_FILE TOPIC}. It waits for the file the
 * embedded broker writes once it runs, then reads the broker's address from it.
 */
public final class QuickstartConsumer {
    private static final Duration FILE_CHECK_INTERVAL = Duration.ofMillis(200);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private QuickstartConsumer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: QuickstartConsumer BOOTSTRAP_SERVERS_FILE TOPIC");
            System.exit(1);
        }
        Path bootstrapServersFile = Path.of(args[0]);
        String topic = args[1];
        CountDownLatch closed = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            main.interrupt();
            awaitQuietly(closed);
        }, "quickstart-consumer-stop"));
        try {
            String bootstrapServers = awaitBootstrapServers(bootstrapServersFile);
            if (bootstrapServers != null) {
                consume(bootstrapServers, topic);
            }
        } finally {
            closed.countDown();
        }
    }

    private static String awaitBootstrapServers(Path file) throws IOException {
        while (!Files.exists(file)) {
            try {
                Thread.sleep(FILE_CHECK_INTERVAL.toMillis());
            } catch (InterruptedException stopped) {
                return null;
            }
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    private static void consume(String bootstrapServers, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "tributary-quickstart");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            System.out.printf("Reading topic %s at %s (read_committed)%n", topic, bootstrapServers);
            try {
                while (!Thread.interrupted()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                        System.out.println(describe(record));
                    }
                }
            } catch (InterruptException stopped) {
                // Cleared so that close() can leave the group instead of failing on the interrupt too.
                Thread.interrupted();
            }
        }
    }

    static String describe(ConsumerRecord<byte[], byte[]> record) {
        String value = record.value() == null ? "(null)" : new String(record.value(), StandardCharsets.UTF_8);
        return String.format(Locale.ROOT, "kafka> %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), value);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
