package io.tributary.agent.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.agent.checkpoint.CheckpointCodec;
import io.tributary.agent.checkpoint.CheckpointKey;
import io.tributary.agent.config.OnError;
import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import io.tributary.api.RecordSource;
import io.tributary.api.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes to Kafka. It takes the batches sources put in the {@link InFlightBuffer},
 * sends their records on the shared producer as they come, and every {@code commit_interval} (or
 * sooner when a transaction holds half the in-flight bound) writes the checkpoints those records
 * reach to the offsets topic and commits.
 *
 * <p>In {@code exactly_once} the records and checkpoints share one Kafka transaction. Records stay in
 * memory until it commits: when it fails with an abortable error it is aborted and the same records
 * are written again in a new one, so sources never rewind while the agent runs. A record Kafka
 * can never take (too large, bad topic) is caught before it is sent where possible, or found in the
 * aborted transaction, and goes where its source's {@code on_error} says. Only after
 * {@code commitTransaction()} returned do sources hear of their checkpoints (Kafka Connect's order).
 *
 * <p>In {@code at_least_once} the producer is idempotent, not transactional: the checkpoints are
 * written after every record before them was acknowledged, so a crash can repeat records but never
 * lose one.
 */
final class Committer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Committer.class);
    private static final long IDLE_WAIT_NANOS = Duration.ofMillis(100).toNanos();
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final long MIN_IDLE_COMMIT_NANOS = Duration.ofMillis(5).toNanos();
    /** What a record adds to its size in a produce request, at most: batch header plus varints. */
    private static final int RECORD_OVERHEAD_UPPER_BOUND = 61 + 5 + 1 + 10 + 5 + 5 + 5 + 5;
    private static final int HEADER_OVERHEAD_UPPER_BOUND = 10;

    private final boolean exactlyOnce;
    private final InFlightBuffer buffer;
    private final Supplier<Producer<byte[], byte[]>> producers;
    private final long commitIntervalNanos;
    private final long maxTransactionBytes;
    private final long maxRecordBytes;
    private final String agentId;
    private final String offsetsTopic;
    private final FatalHandler fatalHandler;
    private final ProducerHealth health;
    private final TopicLimits topicLimits;
    private final Counter committedTransactions;
    private final Counter abortedTransactions;
    private final Timer commitLatency;

    private Producer<byte[], byte[]> producer;
    private final List<Batch> open = new ArrayList<>();
    private long openBytes;
    private long openedNanos;
    private long lastBatchNanos;
    private final long idleCommitNanos;
    private boolean inTransaction;
    private final Map<SourceRecord, Throwable> poisoned = new IdentityHashMap<>();
    private final Set<SourceRecord> deadLetterRefused = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<SourceHandle, FailedAt> failedSources = new IdentityHashMap<>();
    private final ConcurrentLinkedQueue<SendFailure> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean finishing;
    private volatile boolean finished;

    /** A send the broker refused; {@code deadLetter} when it was the dead-letter copy of {@code record}. */
    private record SendFailure(SourceRecord record, Throwable error, boolean deadLetter) {
    }

    /** Where a source set to {@code on_error: fail} stopped: records from here on are not written. */
    private record FailedAt(Batch batch, int index) {
    }

    Committer(boolean exactlyOnce, InFlightBuffer buffer, Supplier<Producer<byte[], byte[]>> producers,
              Duration commitInterval, long maxRecordBytes, String agentId, String offsetsTopic,
              FatalHandler fatalHandler, ProducerHealth health, TopicLimits topicLimits, MeterRegistry registry) {
        this.exactlyOnce = exactlyOnce;
        this.buffer = buffer;
        this.producers = producers;
        this.commitIntervalNanos = commitInterval.toNanos();
        this.idleCommitNanos = Math.max(MIN_IDLE_COMMIT_NANOS, commitIntervalNanos / 10);
        this.maxTransactionBytes = Math.max(1, buffer.maxBytes() / 2);
        this.maxRecordBytes = maxRecordBytes;
        this.agentId = agentId;
        this.offsetsTopic = offsetsTopic;
        this.fatalHandler = fatalHandler;
        this.health = health;
        this.topicLimits = topicLimits;
        committedTransactions = Counter.builder("tributary.transactions").description("Kafka transactions (or at_least_once commits) by outcome")
                .tag("outcome", "committed").register(registry);
        abortedTransactions = Counter.builder("tributary.transactions").description("Kafka transactions (or at_least_once commits) by outcome")
                .tag("outcome", "aborted").register(registry);
        commitLatency = Timer.builder("tributary.commit.latency").description("Time to write checkpoints and commit")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** Starts using the producer the agent already initialised (its transactions set up). */
    void useProducer(Producer<byte[], byte[]> initialised) {
        this.producer = initialised;
    }

    /** Asks the thread to commit what it holds and what is queued, then end. Sources must be stopped first. */
    void finish() {
        finishing = true;
    }

    boolean isFinished() {
        return finished;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Commit thread interrupted with {} records not committed", openRecords());
        } catch (FatalException e) {
            fatalHandler.fatal(e.getMessage(), e.getCause());
        } catch (RuntimeException | Error e) {
            fatalHandler.fatal("the commit thread failed: " + e, e);
        } finally {
            finished = true;
        }
    }

    private void loop() throws InterruptedException {
        while (true) {
            long waitNanos = open.isEmpty() ? IDLE_WAIT_NANOS : Math.max(0, commitDueNanos() - System.nanoTime());
            Batch batch = buffer.take(waitNanos);
            if (batch != null) {
                add(batch);
                lastBatchNanos = System.nanoTime();
            }
            boolean drained = finishing && buffer.isQueueEmpty();
            if (!open.isEmpty() && (drained || openBytes >= maxTransactionBytes || System.nanoTime() - commitDueNanos() >= 0)) {
                commit();
            }
            if (drained && open.isEmpty()) {
                return;
            }
        }
    }

    /**
     * When the open transaction commits: {@code commit_interval} after it opened at the latest, and
     * sooner once no source handed anything over for a tenth of that, so a lone line does not
     * wait out the interval while sending nonstop still fills transactions.
     */
    private long commitDueNanos() {
        return Math.min(openedNanos + commitIntervalNanos, lastBatchNanos + idleCommitNanos);
    }

    private void add(Batch batch) throws InterruptedException {
        if (failedSources.containsKey(batch.source())) {
            discard(batch);
            return;
        }
        if (open.isEmpty()) {
            openedNanos = System.nanoTime();
        }
        open.add(batch);
        openBytes += batch.bytes();
        try {
            send(batch);
        } catch (KafkaException e) {
            recover(e);
        }
    }

    private void send(Batch batch) {
        if (exactlyOnce && !inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
        SourceHandle source = batch.source();
        RecordSource.set(source.name());
        try {
            sendRecords(batch);
        } finally {
            RecordSource.set(null);
        }
    }

    private void sendRecords(Batch batch) {
        List<SourceRecord> records = batch.records();
        SourceHandle source = batch.source();
        for (int i = 0; i < records.size(); i++) {
            if (!failedSources.isEmpty() && failedSources.containsKey(source) && i >= endOf(batch)) {
                return;
            }
            SourceRecord record = records.get(i);
            if (record.isCheckpointOnly()) {
                continue;
            }
            Throwable poison = poisoned.get(record);
            if (poison == null) {
                poison = unwritableBeforeSending(record);
            }
            if (poison != null) {
                handleUnwritable(batch, i, poison);
                continue;
            }
            producer.send(toProducerRecord(record), (metadata, error) -> {
                if (error != null) {
                    failures.add(new SendFailure(record, error, false));
                }
            });
        }
    }

    private void handleUnwritable(Batch batch, int index, Throwable error) {
        SourceHandle source = batch.source();
        SourceRecord record = batch.records().get(index);
        switch (source.onError()) {
            case DEAD_LETTER -> {
                if (!deadLetterRefused.contains(record)) {
                    producer.send(deadLetter(source, record, error), (metadata, e) -> {
                        if (e != null) {
                            failures.add(new SendFailure(record, e, true));
                        }
                    });
                }
            }
            case SKIP -> {
            }
            case FAIL -> {
                if (failedSources.putIfAbsent(source, new FailedAt(batch, index)) == null) {
                    source.failedOnRecord("stopped by on_error: fail on a record it cannot write: " + error.getMessage());
                    log.error("{}; the source stops as on_error: fail says. Its checkpoint stays before this record",
                            describeUnwritable(source, record, error));
                    if (exactlyOnce && endOf(batch) < index) {
                        // Records already sent after the last checkpoint before this one would be read
                        // again on restart: write the transaction again without them.
                        throw new KafkaException("the transaction holds records past " + source.name() + "'s last checkpoint");
                    }
                }
            }
        }
    }

    private static String describeUnwritable(SourceHandle source, SourceRecord record, Throwable error) {
        return "Source " + source.name() + ": a record for topic " + record.topic() + " cannot be written (" + error.getMessage() + ")";
    }

    /** Once the transaction holding them committed: counts and logs what became of unwritable records. */
    private void reportUnwritable(SourceHandle source, SourceRecord record, Throwable error) {
        String what = describeUnwritable(source, record, error);
        if (source.onError() == OnError.DEAD_LETTER && !deadLetterRefused.contains(record)) {
            source.countDeadLettered();
            log.warn("{}; sent to dead-letter topic {}", what, source.deadLetterTopic());
        } else if (source.onError() == OnError.DEAD_LETTER) {
            source.countSkipped();
            log.error("{}; skipped, because the dead-letter topic {} refused it too", what, source.deadLetterTopic());
        } else if (source.onError() == OnError.SKIP) {
            source.countSkipped();
            log.warn("{}; skipped as on_error: skip says", what);
        }
    }

    /**
     * A record known to be unwritable without asking Kafka: addressed to the offsets topic, or over
     * max.request.size or its topic's known limit.
     */
    private Throwable unwritableBeforeSending(SourceRecord record) {
        if (record.topic().equals(offsetsTopic)) {
            // A record there would be read as a checkpoint at the next start and make it fail.
            return poison(record, new InvalidTopicException("topic " + offsetsTopic
                    + " is agent.offsets_topic, where the agent keeps its checkpoints"));
        }
        long size = estimatedSize(record);
        if (size > maxRecordBytes) {
            return poison(record, new RecordTooLargeException("the record is about " + size
                    + " bytes, more than max.request.size / buffer.memory allow (" + maxRecordBytes + ")"));
        }
        OptionalLong topicLimit = topicLimits.known(record.topic());
        if (topicLimit.isPresent() && size > topicLimit.getAsLong()) {
            return poison(record, new RecordTooLargeException("the record is about " + size
                    + " bytes, more than topic " + record.topic() + " takes (max.message.bytes " + topicLimit.getAsLong() + ")"));
        }
        return null;
    }

    private Throwable poison(SourceRecord record, Throwable error) {
        poisoned.put(record, error);
        return error;
    }

    private ProducerRecord<byte[], byte[]> deadLetter(SourceHandle source, SourceRecord record, Throwable error) {
        List<Header> headers = new ArrayList<>(record.headers());
        headers.add(header("tributary.error", error.getClass().getSimpleName() + ": " + error.getMessage()));
        headers.add(header("tributary.error.topic", record.topic()));
        headers.add(header("tributary.error.source", source.name()));
        byte[] value = record.value();
        int valueSize = value == null ? 0 : value.length;
        headers.add(header("tributary.error.value.bytes", Integer.toString(valueSize)));
        long room = maxRecordBytes - RECORD_OVERHEAD_UPPER_BOUND - (record.key() == null ? 0 : record.key().length) - headersSize(headers) - 64;
        if (value != null && value.length > room) {
            // The dead-letter topic must take the record, so it keeps the head of a value too large to write.
            value = Arrays.copyOf(value, (int) Math.max(0, room));
            headers.add(header("tributary.error.value.truncated", "true"));
        }
        return new ProducerRecord<>(source.deadLetterTopic(), null, record.timestamp(), record.key(), value, headers);
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<byte[], byte[]> toProducerRecord(SourceRecord record) {
        return new ProducerRecord<>(record.topic(), null, record.timestamp(), record.key(), record.value(), record.headers());
    }

    private static long estimatedSize(SourceRecord record) {
        return RECORD_OVERHEAD_UPPER_BOUND + (record.key() == null ? 0 : record.key().length)
                + (record.value() == null ? 0 : record.value().length) + headersSize(record.headers());
    }

    private static long headersSize(List<Header> headers) {
        long size = 0;
        for (Header header : headers) {
            // Three bytes a char bound the key's UTF-8 size without encoding it for every record.
            size += HEADER_OVERHEAD_UPPER_BOUND + 3L * header.key().length()
                    + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    /** Commits the open records and their checkpoints, retrying until done or the agent must stop. */
    private void commit() throws InterruptedException {
        long started = System.nanoTime();
        health.commitStarted();
        Map<SourceHandle, Map<String, Position>> checkpoints = checkpointsOfOpen();
        while (true) {
            try {
                if (exactlyOnce) {
                    if (!inTransaction) {
                        producer.beginTransaction();
                        inTransaction = true;
                    }
                    writeCheckpoints(checkpoints);
                    commitTransactionRetryingTimeouts();
                    inTransaction = false;
                } else {
                    flushAtLeastOnce();
                    writeCheckpoints(checkpoints);
                    flushAtLeastOnce();
                }
                break;
            } catch (KafkaException e) {
                recover(e);
            }
        }
        commitLatency.record(Duration.ofNanos(System.nanoTime() - started));
        committedTransactions.increment();
        health.committed();
        completeOpen(checkpoints);
    }

    private void commitTransactionRetryingTimeouts() {
        int attempts = 0;
        while (true) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                // Kafka allows only retrying the commit after a timeout: it may already be completing.
                attempts++;
                health.problem("commit is waiting for Kafka: " + e.getMessage());
                log.warn("Committing a transaction timed out ({} attempts so far); retrying: {}", attempts, e.getMessage());
                checkFatal(e);
            }
        }
    }

    /** at_least_once: waits for every acknowledgement and writes again what failed for a retriable reason. */
    private void flushAtLeastOnce() {
        producer.flush();
        if (!failures.isEmpty()) {
            throw new KafkaException("some records were not acknowledged: " + failures.peek().error());
        }
    }

    private void writeCheckpoints(Map<SourceHandle, Map<String, Position>> checkpoints) {
        for (Map.Entry<SourceHandle, Map<String, Position>> source : checkpoints.entrySet()) {
            for (Map.Entry<String, Position> stream : source.getValue().entrySet()) {
                byte[] key = CheckpointCodec.encodeKey(new CheckpointKey(agentId, source.getKey().name(), stream.getKey()));
                producer.send(new ProducerRecord<>(offsetsTopic, key, CheckpointCodec.encodeValue(stream.getValue())), (metadata, error) -> {
                    if (error != null) {
                        failures.add(new SendFailure(null, error, false));
                    }
                });
            }
        }
    }

    /**
     * The newest checkpoint of each stream the open records reach (a null position forgets the
     * stream), skipping the records of a source that failed from where it failed.
     */
    private Map<SourceHandle, Map<String, Position>> checkpointsOfOpen() {
        Map<SourceHandle, Map<String, Position>> checkpoints = new LinkedHashMap<>();
        for (Batch batch : open) {
            int end = endOf(batch);
            List<SourceRecord> records = batch.records();
            for (int i = 0; i < end; i++) {
                Checkpoint checkpoint = records.get(i).checkpoint();
                if (checkpoint != null) {
                    checkpoints.computeIfAbsent(batch.source(), s -> new LinkedHashMap<>())
                            .put(checkpoint.stream(), checkpoint.position());
                }
            }
        }
        return checkpoints;
    }

    /**
     * How many records of the batch count: all, unless its source failed within or before it. Within
     * it, only up to the last record before the failure that carries a checkpoint: the records after
     * that one will be read again from that checkpoint, so committing them now would repeat them.
     */
    private int endOf(Batch batch) {
        FailedAt failed = failedSources.get(batch.source());
        if (failed == null) {
            return batch.records().size();
        }
        if (failed.batch() == batch) {
            int end = failed.index();
            while (end > 0 && batch.records().get(end - 1).checkpoint() == null) {
                end--;
            }
            return end;
        }
        return open.indexOf(batch) < open.indexOf(failed.batch()) ? batch.records().size() : 0;
    }

    private void completeOpen(Map<SourceHandle, Map<String, Position>> checkpoints) {
        Map<SourceHandle, long[]> totals = new LinkedHashMap<>();
        for (Batch batch : open) {
            int end = endOf(batch);
            long[] t = totals.computeIfAbsent(batch.source(), s -> new long[] {0, 0, 0, 0, Long.MAX_VALUE});
            long written = 0;
            long writtenBytes = 0;
            for (int i = 0; i < end; i++) {
                SourceRecord record = batch.records().get(i);
                Throwable unwritable = poisoned.get(record);
                if (unwritable != null) {
                    reportUnwritable(batch.source(), record, unwritable);
                } else if (!record.isCheckpointOnly()) {
                    written++;
                    writtenBytes += record.sizeInBytes();
                }
            }
            long droppedBytes = 0;
            if (end < batch.records().size()) {
                for (int i = end; i < batch.records().size(); i++) {
                    droppedBytes += batch.records().get(i).sizeInBytes();
                }
                batch.source().discarded(batch.records().size() - end, droppedBytes);
            }
            t[0] += end;
            t[1] += batch.bytes() - droppedBytes;
            t[2] += written;
            t[3] += writtenBytes;
            t[4] = Math.min(t[4], batch.acceptedNanos());
        }
        for (Map.Entry<SourceHandle, long[]> entry : totals.entrySet()) {
            Map<String, Position> positions = new LinkedHashMap<>();
            Set<String> forgotten = new HashSet<>();
            checkpoints.getOrDefault(entry.getKey(), Map.of()).forEach((stream, position) -> {
                if (position == null) {
                    forgotten.add(stream);
                } else {
                    positions.put(stream, position);
                }
            });
            long[] t = entry.getValue();
            entry.getKey().committed(positions, forgotten, (int) t[0], t[1], (int) t[2], t[3], t[4]);
        }
        buffer.release(openBytes);
        open.clear();
        openBytes = 0;
        poisoned.clear();
        deadLetterRefused.clear();
        failures.clear();
    }

    private void discard(Batch batch) {
        batch.source().discarded(batch.records().size(), batch.bytes());
        buffer.release(batch.bytes());
    }

    /**
     * After a failed send or commit: abort, learn which records Kafka will never take, wait, and
     * write the open records again in a new transaction. Returns once they are all sent again.
     */
    private void recover(KafkaException cause) throws InterruptedException {
        Duration backoff = Duration.ofMillis(100);
        KafkaException error = cause;
        while (true) {
            checkFatal(error);
            abortedTransactions.increment();
            health.problem("writing to Kafka failed: " + error.getMessage());
            learnUnwritableRecords();
            log.warn("Writing to Kafka failed ({}); {} records will be written again in {} ms", describe(error), openRecords(), backoff.toMillis());
            abortOrReplaceProducer();
            Thread.sleep(backoff.toMillis());
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            try {
                for (Batch batch : new ArrayList<>(open)) {
                    send(batch);
                }
                return;
            } catch (KafkaException e) {
                error = e;
            }
        }
    }

    /**
     * Learns from the failed sends which records Kafka will never take. A broker that refuses a
     * batch as too large fails every record in it, so a record counts as too large only when it
     * passes its topic's limit; failing that test, the largest refused record of the topic does,
     * which guarantees progress.
     */
    private void learnUnwritableRecords() {
        Map<String, List<SendFailure>> tooLargeByTopic = new LinkedHashMap<>();
        SendFailure failure;
        while ((failure = failures.poll()) != null) {
            checkFatal(failure.error());
            if (failure.record() == null || !isUnwritable(failure.error())) {
                continue;
            }
            if (isTooLarge(failure.error())) {
                String topic = failure.deadLetter() ? null : failure.record().topic();
                tooLargeByTopic.computeIfAbsent(topic, t -> new ArrayList<>()).add(failure);
            } else {
                markUnwritable(failure);
            }
        }
        tooLargeByTopic.forEach((topic, refused) -> {
            if (topic == null) {
                refused.forEach(this::markUnwritable);
                return;
            }
            OptionalLong limit = topicLimits.refresh(topic);
            boolean found = false;
            for (SendFailure refusal : refused) {
                if (limit.isPresent() && estimatedSize(refusal.record()) > limit.getAsLong()) {
                    markUnwritable(refusal);
                    found = true;
                }
            }
            if (!found) {
                markUnwritable(refused.stream().max(Comparator.comparingLong(f -> estimatedSize(f.record()))).orElseThrow());
            }
        });
    }

    private void markUnwritable(SendFailure failure) {
        if (failure.deadLetter()) {
            deadLetterRefused.add(failure.record());
        } else {
            poisoned.put(failure.record(), failure.error());
        }
    }

    private static boolean isTooLarge(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException) {
                return true;
            }
        }
        return false;
    }

    private void abortOrReplaceProducer() {
        if (!exactlyOnce) {
            return;
        }
        try {
            if (inTransaction) {
                producer.abortTransaction();
            }
        } catch (KafkaException e) {
            checkFatal(e);
            log.warn("Aborting failed ({}); replacing the producer, which aborts the transaction for good", describe(e));
            closeQuietly(producer);
            producer = producers.get();
        }
        inTransaction = false;
    }

    private void closeQuietly(Producer<byte[], byte[]> old) {
        try {
            old.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("closing the old producer failed", e);
        }
    }

    private static boolean isUnwritable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException || t instanceof InvalidTopicException) {
                return true;
            }
        }
        return false;
    }

    private static void checkFatal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException) {
                throw new FatalException("another agent with the same agent.id took over its transactional.id and fenced this one: "
                        + "this agent stops. Run one agent per agent.id", t);
            }
            if (t instanceof AuthorizationException || t instanceof AuthenticationException || t instanceof UnsupportedVersionException) {
                throw new FatalException("Kafka refuses this agent: " + t.getMessage(), t);
            }
        }
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? error.toString() : error + " caused by " + root;
    }

    private int openRecords() {
        int count = 0;
        for (Batch batch : open) {
            count += batch.records().size();
        }
        return count;
    }

    /** Errors after which the agent must stop rather than retry. */
    static final class FatalException extends RuntimeException {
        FatalException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The producer as it closes at the end of the run. */
    Producer<byte[], byte[]> producer() {
        return producer;
    }
}
