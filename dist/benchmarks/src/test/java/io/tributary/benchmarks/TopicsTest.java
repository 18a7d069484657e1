package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicsTest {
    @TempDir
    Path logDir;

    @Test
    void findsATopicsPartitionsBeforeAndAfterTheyAreMarkedForDeletion() throws Exception {
        Files.createDirectory(logDir.resolve("bench-syslog-r1-0"));
        Files.createDirectory(logDir.resolve("bench-syslog-r1-1.3c5a8e0f9b2d4e6f8a1b3c5d7e9f0a2b-delete"));
        Files.createDirectory(logDir.resolve("bench-syslog-r10-0"));
        Files.createDirectory(logDir.resolve("bench-syslog-r1x-0"));
        Files.createDirectory(logDir.resolve("__consumer_offsets-0"));
        Files.createFile(logDir.resolve("meta.properties"));

        assertThat(Topics.partitionDirectories(logDir, "bench-syslog-r1"))
                .containsExactly("bench-syslog-r1-0", "bench-syslog-r1-1.3c5a8e0f9b2d4e6f8a1b3c5d7e9f0a2b-delete");
        assertThat(Topics.partitionDirectories(logDir, "bench-syslog-r2")).isEmpty();
    }

    @Test
    void readsATopicNameAsTextNotAsAPattern() throws Exception {
        Files.createDirectory(logDir.resolve("bench-a-b-0"));

        assertThat(Topics.partitionDirectories(logDir, "bench.a.b")).isEmpty();
        assertThat(Topics.partitionDirectories(logDir, "bench-a-b")).containsExactly("bench-a-b-0");
    }
}
