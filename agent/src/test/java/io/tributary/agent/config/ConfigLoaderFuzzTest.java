package io.tributary.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config loader on random input: mutations of a valid file and plain random bytes. Whatever
 * it is given, it returns a config or errors, never throws, and every error names the file.
 */
class ConfigLoaderFuzzTest {
    private static final String VALID = """
            agent:
              id: fuzz-${HOST:-box}
              plugins_dir: plugins
              data_dir: data
              delivery: exactly_once
              commit_interval: 100ms
              max_in_flight_bytes: 64MiB
              http: 127.0.0.1:0
            kafka:
              bootstrap_servers: localhost:9092
              producer:
                linger.ms: 5
                compression.type: zstd
            sources:
              app-logs:
                type: file
                topic: logs.app
                include: ["/var/log/app/*.log"]
                on_error: skip
            interceptors:
              - type: headers
                add: { host: "${HOSTNAME}" }
              - class: com.example.Audit
            logging:
              format: json
              levels: { io.tributary: DEBUG }
            """;
    private static final String ALPHABET = ":-[]{}\"'#&*!|>%@`$,?\n \t\u00e9\u0000abc01${}";

    @TempDir
    Path dir;

    @Test
    void randomInputNeverThrowsAndEveryErrorNamesTheFile() throws IOException {
        long seed = 20261123L;
        Random random = new Random(seed);
        Path file = dir.resolve("fuzz.yaml");
        int withErrors = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] input = i % 10 == 0 ? randomBytes(random) : mutate(VALID, random).getBytes(StandardCharsets.UTF_8);
            Files.write(file, input);
            LoadResult result = ConfigLoader.load(file, Map.of("HOST", "h"));
            assertThat(result).as("input %d of seed %d", i, seed).isNotNull();
            assertThat(result.config() != null || !result.errors().isEmpty()).as("input %d: neither a config nor an error", i).isTrue();
            for (ConfigError error : result.errors()) {
                assertThat(error.toString()).startsWith(file.toString());
            }
            if (!result.errors().isEmpty()) {
                withErrors++;
            }
        }
        assertThat(withErrors).as("the mutations must reach the error paths").isGreaterThan(700);
    }

    private static String mutate(String text, Random random) {
        StringBuilder mutated = new StringBuilder(text);
        int edits = 1 + random.nextInt(6);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(mutated.length());
            switch (random.nextInt(4)) {
                case 0 -> mutated.deleteCharAt(at);
                case 1 -> mutated.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 2 -> mutated.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                default -> {
                    int end = Math.min(mutated.length(), at + random.nextInt(40));
                    String piece = mutated.substring(at, end);
                    mutated.insert(random.nextInt(mutated.length()), piece);
                }
            }
        }
        return mutated.toString();
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        return bytes;
    }
}
