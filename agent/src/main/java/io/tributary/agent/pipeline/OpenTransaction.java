package io.tributary.agent.pipeline;

import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The batches in the open transaction and what committing them settles: the checkpoints their
 * records reach, and each source's account (records committed, written, dropped). A source that
 * stopped on a record it cannot write ({@code on_error: fail}) counts only up to its last
 * checkpoint before that record; the records after it are read again on its next start.
 */
final class OpenTransaction {
    /** Where a source set to {@code on_error: fail} stopped: records from here on are not written. */
    private record FailedAt(Batch batch, int index) {
    }

    private final List<Batch> batches = new ArrayList<>();
    private final Map<SourceHandle, FailedAt> failed = new IdentityHashMap<>();
    private long bytes;
    private long openedNanos;

    boolean isEmpty() {
        return batches.isEmpty();
    }

    long bytes() {
        return bytes;
    }

    long openedNanos() {
        return openedNanos;
    }

    List<Batch> batches() {
        return List.copyOf(batches);
    }

    void add(Batch batch, long nowNanos) {
        if (batches.isEmpty()) {
            openedNanos = nowNanos;
        }
        batches.add(batch);
        bytes += batch.bytes();
    }

    /** Takes the source's batches out of the transaction, oldest first: the source is held back. */
    List<Batch> remove(SourceHandle source) {
        List<Batch> removed = new ArrayList<>();
        for (Iterator<Batch> it = batches.iterator(); it.hasNext(); ) {
            Batch batch = it.next();
            if (batch.source() == source) {
                removed.add(batch);
                bytes -= batch.bytes();
                it.remove();
            }
        }
        return removed;
    }

    /** Records that the source stops at this record; false when it had stopped already. */
    boolean failAt(Batch batch, int index) {
        return failed.putIfAbsent(batch.source(), new FailedAt(batch, index)) == null;
    }

    boolean hasFailed(SourceHandle source) {
        return failed.containsKey(source);
    }

    /**
     * How many records of the batch count: all, unless its source failed within or before it. Within
     * it, only up to the last record before the failure that carries a checkpoint: the records after
     * that one will be read again from that checkpoint, so committing them now would repeat them.
     */
    int endOf(Batch batch) {
        FailedAt failure = failed.get(batch.source());
        if (failure == null) {
            return batch.records().size();
        }
        if (failure.batch() == batch) {
            int end = failure.index();
            while (end > 0 && batch.records().get(end - 1).checkpoint() == null) {
                end--;
            }
            return end;
        }
        return batches.indexOf(batch) < batches.indexOf(failure.batch()) ? batch.records().size() : 0;
    }

    /**
     * The newest checkpoint of each stream that the records now in the transaction reach (a null
     * position forgets the stream). Computed when committing, after every recovery, so it never
     * passes a record that was taken out or cut.
     */
    Map<SourceHandle, Map<String, Position>> checkpoints() {
        Map<SourceHandle, Map<String, Position>> checkpoints = new LinkedHashMap<>();
        for (Batch batch : batches) {
            int end = endOf(batch);
            List<SourceRecord> records = batch.records();
            for (int i = 0; i < end; i++) {
                Checkpoint checkpoint = records.get(i).checkpoint();
                if (checkpoint != null) {
                    checkpoints.computeIfAbsent(batch.source(), s -> new LinkedHashMap<>()).put(checkpoint.stream(), checkpoint.position());
                }
            }
        }
        return checkpoints;
    }

    /** Tells what became of an unwritable record, once the transaction holding it committed. */
    interface UnwritableReport {
        /** Null when the record was written. */
        Throwable unwritable(SourceRecord record);

        void report(SourceHandle source, SourceRecord record, Throwable error);
    }

    /** After the commit: settles each source's account and tells it its checkpoints; empties the transaction. */
    void settle(Map<SourceHandle, Map<String, Position>> checkpoints, UnwritableReport unwritable, long nowNanos) {
        Map<SourceHandle, Account> accounts = new LinkedHashMap<>();
        for (Batch batch : batches) {
            int end = endOf(batch);
            Account account = accounts.computeIfAbsent(batch.source(), s -> new Account());
            for (int i = 0; i < end; i++) {
                SourceRecord record = batch.records().get(i);
                Throwable error = unwritable.unwritable(record);
                if (error != null) {
                    unwritable.report(batch.source(), record, error);
                } else if (!record.isCheckpointOnly()) {
                    account.written++;
                    account.writtenBytes += record.sizeInBytes();
                }
            }
            long droppedBytes = 0;
            for (int i = end; i < batch.records().size(); i++) {
                droppedBytes += batch.records().get(i).sizeInBytes();
            }
            if (end < batch.records().size()) {
                batch.source().discarded(batch.records().size() - end, droppedBytes);
            }
            account.records += end;
            account.bytes += batch.bytes() - droppedBytes;
            account.firstAcceptedNanos = Math.min(account.firstAcceptedNanos, batch.acceptedNanos());
        }
        accounts.forEach((source, account) -> {
            Map<String, Position> positions = new LinkedHashMap<>();
            Set<String> forgotten = new HashSet<>();
            checkpoints.getOrDefault(source, Map.of()).forEach((stream, position) -> {
                if (position == null) {
                    forgotten.add(stream);
                } else {
                    positions.put(stream, position);
                }
            });
            source.committed(positions, forgotten, account.records, account.bytes, account.written, account.writtenBytes,
                    nowNanos - account.firstAcceptedNanos);
        });
        batches.clear();
        bytes = 0;
    }

    private static final class Account {
        int records;
        long bytes;
        int written;
        long writtenBytes;
        long firstAcceptedNanos = Long.MAX_VALUE;
    }
}
