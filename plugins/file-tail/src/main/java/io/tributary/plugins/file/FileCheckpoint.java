package io.tributary.plugins.file;

import io.tributary.api.Position;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where one file stands, as stored in a checkpoint.
 *
 * <p>The stream is the file's identity: {@code fp:<hash of its first fingerprint_bytes>:<device>:<inode>},
 * the inode telling apart files that begin alike, or, for a file shorter than fingerprint_bytes, the
 * provisional {@code ino:<device>:<inode>}. A copytruncate copy takes over its original's position
 * under its own stream. The position's fields:
 * {@code offset} is the next byte to read (bytes, never characters); {@code tail_hash} hashes the
 * {@value #TAIL_CHECK_BYTES} bytes before the offset, so a restart notices a file that changed under
 * the same name or inode; {@code path}, {@code dev} and {@code ino} say where it was last seen.
 */
record FileCheckpoint(long offset, long tailHash, String path, FileKey key) {
    static final String FINGERPRINT_STREAM_PREFIX = "fp:";
    static final String INODE_STREAM_PREFIX = "ino:";
    static final int TAIL_CHECK_BYTES = 32;

    private static final Pattern STREAM_NAME = Pattern.compile("fp:[0-9a-f]{16}:[0-9]+:[0-9]+|ino:[0-9]+:[0-9]+");

    /** The stream of the file {@code key} whose first fingerprint_bytes hash to {@code fingerprint}. */
    static String fingerprintStream(long fingerprint, FileKey key) {
        return fingerprintPrefix(fingerprint) + key.dev() + ":" + key.ino();
    }

    /** What the streams of every file beginning with the same fingerprint_bytes start with. */
    static String fingerprintPrefix(long fingerprint) {
        return FINGERPRINT_STREAM_PREFIX + Hashing.hex(fingerprint) + ":";
    }

    static boolean isProvisional(String stream) {
        return stream.startsWith(INODE_STREAM_PREFIX);
    }

    Position toPosition() {
        return Position.of(Map.of(
                "offset", offset,
                "tail_hash", Hashing.hex(tailHash),
                "path", path,
                "dev", key.dev(),
                "ino", key.ino()));
    }

    /**
     * Reads a committed checkpoint.
     *
     * @throws IllegalStateException naming the stream when it cannot be read: resuming at 0 instead
     *                               would send the whole file again
     */
    static FileCheckpoint parse(String stream, Position position) {
        try {
            if (!STREAM_NAME.matcher(stream).matches()) {
                throw new IllegalStateException("not a stream of the file source, which are"
                        + " fp:<16 hex digits>:<dev>:<ino> or ino:<dev>:<ino>: " + position);
            }
            if (position == null) {
                throw new IllegalStateException("it has no position");
            }
            long offset = position.getLong("offset");
            if (offset < 0) {
                throw new IllegalStateException("offset is negative: " + position);
            }
            String tailHash = position.get("tail_hash");
            if (tailHash == null || !tailHash.matches("[0-9a-f]{16}")) {
                throw new IllegalStateException("tail_hash is not 16 hex digits: " + position);
            }
            String path = position.get("path");
            if (path == null) {
                throw new IllegalStateException("checkpoint has no field \"path\": " + position);
            }
            FileKey key = new FileKey(position.getLong("dev"), position.getLong("ino"));
            return new FileCheckpoint(offset, Long.parseUnsignedLong(tailHash, 16), path, key);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("checkpoint of stream \"" + stream + "\" cannot be read, " + e.getMessage()
                    + "; fix it or reset the source with tributary checkpoints reset", e);
        }
    }
}
