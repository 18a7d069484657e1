package io.tributary.agent.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.apache.kafka.common.Uuid;

/**
 * {@code data_dir/offsets-topic.id}: the name and topic id of the offsets topic this agent commits
 * to, as one line {@code <topic> <id>}. A topic of the same name with another id, or none, means
 * the checkpoints were lost. Written crash-safely (temporary file, fsync, rename).
 */
public final class OffsetsTopicIdFile {
    private final Path file;

    public OffsetsTopicIdFile(Path dataDir) {
        this.file = dataDir.resolve(CheckpointStore.OFFSETS_TOPIC_ID_FILE);
    }

    /** The id remembered for {@code topic}; null when none is, or it was remembered for another topic name. */
    public Uuid read(String topic) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String[] fields = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
        if (fields.length != 2) {
            throw new IOException(file + " is not \"<topic> <id>\"; delete it to start over");
        }
        if (!fields[0].equals(topic)) {
            return null;
        }
        try {
            return Uuid.fromString(fields[1]);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds no valid topic id; delete it to start over", e);
        }
    }

    public void write(String topic, Uuid id) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap((topic + " " + id + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
