package io.tributary.plugins.file;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The checkpoints no tracked file holds: restored at start, or left by a file let go or truncated,
 * each waiting for a file that shows it holds the bytes before the checkpoint's offset.
 *
 * <p>One left by a truncated or rewritten file waits for its copy (copytruncate): until the scan after
 * the one it was left in, its original may not take its stream back.
 */
final class UnclaimedCheckpoints {

    /** A checkpoint no file holds, since {@code sinceMillis}. */
    record Unclaimed(FileCheckpoint checkpoint, long sinceMillis, boolean leftByTruncation, long reservedThroughScan) {

        static Unclaimed restored(FileCheckpoint checkpoint, long nowMillis) {
            return new Unclaimed(checkpoint, nowMillis, false, -1);
        }

        static Unclaimed leftByTruncation(FileCheckpoint checkpoint, long sinceMillis, long scan) {
            return new Unclaimed(checkpoint, sinceMillis, true, scan + 1);
        }
    }

    /** Sorted, so that the checkpoints of the files beginning with the same bytes are found by prefix. */
    private final NavigableMap<String, Unclaimed> byStream = new TreeMap<>();

    Unclaimed get(String stream) {
        return byStream.get(stream);
    }

    void put(String stream, Unclaimed unclaimed) {
        byStream.put(stream, unclaimed);
    }

    void remove(String stream) {
        byStream.remove(stream);
    }

    /** The inodes the checkpoints were last seen at. */
    Set<FileKey> keys() {
        return byStream.values().stream().map(left -> left.checkpoint().key()).collect(Collectors.toSet());
    }

    /** True while {@code stream} holds a position left by a truncation that its copy may still take, in scan {@code scan}. */
    boolean isReservedForACopy(String stream, long scan) {
        Unclaimed left = byStream.get(stream);
        return left != null && left.leftByTruncation() && scan <= left.reservedThroughScan();
    }

    /** The checkpoints of the files whose first fingerprint_bytes hash to {@code fingerprint}, by stream. */
    Map<String, Unclaimed> withFingerprint(long fingerprint) {
        String prefix = FileCheckpoint.fingerprintPrefix(fingerprint);
        return byStream.subMap(prefix, prefix + Character.MAX_VALUE);
    }

    /** Removes and returns the streams whose checkpoints nobody claimed for longer than {@code maxAgeMillis}. */
    List<Map.Entry<String, Unclaimed>> removeOlderThan(long maxAgeMillis, long nowMillis) {
        List<Map.Entry<String, Unclaimed>> expired = new ArrayList<>();
        for (var it = byStream.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Unclaimed> entry = it.next();
            if (nowMillis - entry.getValue().sinceMillis() > maxAgeMillis) {
                // A copy: TreeMap reuses the removed entry for its successor.
                expired.add(Map.entry(entry.getKey(), entry.getValue()));
                it.remove();
            }
        }
        return expired;
    }
}
