package io.tributary.plugins.connect;

import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;

/**
 * The thread of one Connect task: {@code initialize}, {@code start}, then {@code poll} in a loop,
 * converting each batch and handing it to the {@link ConnectSource}; between polls it calls
 * {@code commitRecord} and {@code commit} for records whose transaction committed, on this thread,
 * as Connect's exactly-once worker does.
 */
final class TaskRunner implements Runnable {
    private static final long HANDOVER_WAIT_MILLIS = 100;

    private final int id;
    private final SourceTask task;
    private final Map<String, String> config;
    private final ConnectSource source;
    private final Converters converters;
    private final Logger log;
    private final Thread thread;
    private final ConcurrentLinkedQueue<org.apache.kafka.connect.source.SourceRecord> committed = new ConcurrentLinkedQueue<>();
    /**
     * Whether the task overrides {@code commitRecord}: only then is each record kept until its
     * transaction committed, which costs memory per record in flight.
     */
    private final boolean wantsCommittedRecords;
    private final AtomicBoolean commitDue = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile Throwable failure;

    TaskRunner(int id, SourceTask task, Map<String, String> config, ConnectSource source, Converters converters, Logger log) {
        this.id = id;
        this.task = task;
        this.config = config;
        this.source = source;
        this.converters = converters;
        this.log = log;
        this.wantsCommittedRecords = overridesCommitRecord(task.getClass());
        this.thread = new Thread(this, "connect-" + source.name() + "-task-" + id);
        thread.setDaemon(true);
        thread.setContextClassLoader(task.getClass().getClassLoader());
    }

    void start() {
        thread.start();
    }

    int id() {
        return id;
    }

    /** Asks the task to stop: calls its {@code stop()} from this (another) thread, as Connect does. */
    void stop() {
        if (!stopping) {
            stopping = true;
            try {
                InLoader.run(task, task::stop);
            } catch (RuntimeException e) {
                log.warn("Connect task {}: stop() threw", id, e);
            }
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    /** Why the task failed, or null while it did not. */
    Throwable failure() {
        return failure;
    }

    /** Called on the commit thread: the task hears of it on its own thread before its next poll. */
    void committed(org.apache.kafka.connect.source.SourceRecord record) {
        committed.add(record);
    }

    /** Called on the commit thread after a transaction committed: the task's {@code commit()} is due. */
    void commitDue() {
        commitDue.set(true);
    }

    @Override
    public void run() {
        try {
            task.initialize(source.taskContext(id, config));
            task.start(config);
            while (!stopping) {
                tellCommitted();
                List<org.apache.kafka.connect.source.SourceRecord> records = task.poll();
                if (records == null || records.isEmpty()) {
                    continue;
                }
                List<SourceRecord> converted = convert(records);
                if (!handOver(converted)) {
                    return;
                }
                for (int i = 0; i < converted.size(); i++) {
                    Checkpoint checkpoint = converted.get(i).checkpoint();
                    if (checkpoint != null) {
                        source.handedOver(checkpoint, wantsCommittedRecords ? new ConnectSource.Pending(this, records.get(i), checkpoint.position()) : null);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (!stopping) {
                failure = e;
            }
        } finally {
            converters.close();
        }
    }

    private List<SourceRecord> convert(List<org.apache.kafka.connect.source.SourceRecord> records) {
        List<SourceRecord> converted = new ArrayList<>(records.size());
        for (org.apache.kafka.connect.source.SourceRecord record : records) {
            Converters.Converted bytes = converters.convert(record);
            SourceRecord.Builder builder = SourceRecord.builder(record.topic()).key(bytes.key()).value(bytes.value());
            for (Header header : bytes.headers()) {
                builder.header(header.key(), header.value());
            }
            if (record.timestamp() != null) {
                builder.timestamp(record.timestamp());
            }
            String stream = source.offsets().stream(record.sourcePartition());
            Position position = source.offsets().position(record.sourceOffset());
            if (stream != null && position != null) {
                builder.checkpoint(stream, position);
            }
            converted.add(builder.build());
        }
        return converted;
    }

    /** False when the source stopped before it took the batch: the records were never handed over. */
    private boolean handOver(List<SourceRecord> records) throws InterruptedException {
        while (!source.offer(records, HANDOVER_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            if (stopping) {
                return false;
            }
            tellCommitted();
        }
        return true;
    }

    private static boolean overridesCommitRecord(Class<?> taskClass) {
        try {
            return taskClass.getMethod("commitRecord", org.apache.kafka.connect.source.SourceRecord.class, RecordMetadata.class)
                    .getDeclaringClass() != SourceTask.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    private void tellCommitted() throws InterruptedException {
        boolean any = commitDue.getAndSet(false);
        for (org.apache.kafka.connect.source.SourceRecord record = committed.poll(); record != null; record = committed.poll()) {
            try {
                // Tributary's commit thread knows no RecordMetadata, as Connect has none for a filtered record.
                task.commitRecord(record, null);
            } catch (RuntimeException e) {
                log.warn("Connect task {}: commitRecord() threw; the record is committed all the same", id, e);
            }
        }
        if (any) {
            try {
                task.commit();
            } catch (RuntimeException e) {
                log.warn("Connect task {}: commit() threw; its records are committed all the same", id, e);
            }
        }
    }
}
