package io.tributary.plugins.file;

import io.tributary.api.Checkpoint;
import io.tributary.api.SourceRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The records of one poll: lines and events as records, checkpoint-only records, and the budget
 * that bounds a poll to {@value #MAX_POLL_RECORDS} records or {@value #MAX_POLL_BYTES} bytes.
 *
 * <p>Only the last record of each run of one stream's records carries the checkpoint after it:
 * building a checkpoint per line is most of the cost of a short line. But one per run, not per poll:
 * with {@code on_error: fail} the agent commits a poll up to its last record with a checkpoint before
 * the one it cannot write, and the lines of a run cut there must not be committed without theirs.
 */
final class PollOutput implements LineSink {
    static final int MAX_POLL_RECORDS = 5000;
    static final int MAX_POLL_BYTES = 1024 * 1024;

    /** The last record of the run of one stream's records ending the records so far, and the checkpoint after it. */
    private record RunEnd(int index, String stream, FileCheckpoint checkpoint) {
    }

    private final LineRecords records;
    private List<SourceRecord> out = new ArrayList<>();
    private RunEnd runEnd;
    private int lineRecords;
    private long lineBytes;

    PollOutput(LineRecords records) {
        this.records = records;
    }

    /** True when this poll handed over as many records or bytes as one poll may. */
    boolean exhausted() {
        return lineRecords >= MAX_POLL_RECORDS || lineBytes >= MAX_POLL_BYTES;
    }

    boolean isEmpty() {
        return out.isEmpty();
    }

    /** The records of this poll, each run ended with its checkpoint; the next poll starts empty. */
    List<SourceRecord> finish() {
        endRun();
        List<SourceRecord> finished = out;
        out = new ArrayList<>();
        lineRecords = 0;
        lineBytes = 0;
        return finished;
    }

    @Override
    public void line(TrackedFile file, byte[] source, int from, int to, long startOffset, long endOffset, long tailHash,
                     int flags, ContainerFields fields) {
        record(file, Arrays.copyOfRange(source, from, to), startOffset, endOffset, tailHash, flags, fields);
    }

    /** A record of {@code value}, which the record keeps: the bytes of {@code file} from {@code startOffset} to {@code endOffset}. */
    void record(TrackedFile file, byte[] value, long startOffset, long endOffset, long tailHash, int flags,
                ContainerFields fields) {
        int index = out.size();
        if (runEnd != null && (runEnd.index() != index - 1 || !runEnd.stream().equals(file.stream()))) {
            endRun();
        }
        out.add(records.line(file, value, startOffset, flags, fields));
        runEnd = new RunEnd(index, file.stream(), file.checkpoint(endOffset, tailHash));
        file.emitted(endOffset, tailHash);
        lineRecords++;
        lineBytes += value.length;
    }

    /** A checkpoint of {@code file} at {@code offset}, with no record. */
    void checkpoint(TrackedFile file, long offset, long tailHash) {
        file.checkpointed(offset);
        out.add(SourceRecord.checkpointOnly(new Checkpoint(file.stream(), file.checkpoint(offset, tailHash).toPosition())));
    }

    /** Forgets {@code stream}'s checkpoint. */
    void forget(String stream) {
        out.add(SourceRecord.checkpointOnly(new Checkpoint(stream, null)));
    }

    private void endRun() {
        if (runEnd != null) {
            out.set(runEnd.index(), out.get(runEnd.index())
                    .withCheckpoint(new Checkpoint(runEnd.stream(), runEnd.checkpoint().toPosition())));
            runEnd = null;
        }
    }
}
