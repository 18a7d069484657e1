package io.tributary.agent.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.agent.checkpoint.CheckpointCodec;
import io.tributary.agent.checkpoint.CheckpointKey;
import io.tributary.agent.config.OnError;
import io.tributary.api.Position;
import io.tributary.api.RecordSource;
import io.tributary.api.SourceRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes to Kafka. It takes the batches sources put in the {@link InFlightBuffer},
 * sends their records on the shared producer as they come, and every {@code commit_interval} (or
 * sooner when a transaction holds half the in-flight bound) writes the checkpoints those records
 * reach to the offsets topic and commits.
 *
 * <p>In {@code exactly_once} the records and checkpoints share one Kafka transaction. Records stay in
 * memory until it commits: when it fails it is aborted and the same records are written again in a
 * new one, so sources never rewind while the agent runs. Only after {@code commitTransaction()}
 * returned do sources hear of their checkpoints (Kafka Connect's order). In {@code at_least_once}
 * the producer is idempotent, not transactional: the checkpoints are written after every record
 * before them was acknowledged.
 *
 * <p>Failures are kept to what they are about:
 * <ul>
 *   <li>Kafka away or slow: the transaction is retried with a backoff for as long as it takes; a
 *       producer that cannot abort, or that was fenced by the coordinator, is replaced
 *       ({@link ProducerSupervisor}). Only fencing by a second agent stops the agent.</li>
 *   <li>A topic a source cannot write (missing, not authorised): the source is held back, its records
 *       kept in order and its thread paused, until the {@link TopicGate} finds the topic writable;
 *       the other sources go on.</li>
 *   <li>A record Kafka will never take ({@link UnwritableRecords}): its source's {@code on_error}
 *       says what happens to it.</li>
 * </ul>
 */
final class Committer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Committer.class);
    private static final long IDLE_WAIT_NANOS = Duration.ofMillis(100).toNanos();
    private static final long MIN_IDLE_COMMIT_NANOS = Duration.ofMillis(5).toNanos();
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final DeliveryMode delivery;
    private final InFlightBuffer buffer;
    private final ProducerSupervisor producers;
    private final TopicGate topics;
    private final UnwritableRecords unwritable;
    private final DeadLetters deadLetters;
    private final Ticker ticker;
    private final long commitIntervalNanos;
    private final long idleCommitNanos;
    private final long maxTransactionBytes;
    private final String agentId;
    private final String offsetsTopic;
    private final FatalHandler fatalHandler;
    private final ProducerHealth health;
    private final Counter committedTransactions;
    private final Counter abortedTransactions;
    private final Timer commitLatency;

    private final OpenTransaction open = new OpenTransaction();
    private final Map<SourceHandle, Deque<Batch>> held = new IdentityHashMap<>();
    private final Set<SourceHandle> failedSources = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final ConcurrentLinkedQueue<SendFailure> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<SourceHandle> forgotten = new ConcurrentLinkedQueue<>();
    private long lastBatchNanos;
    private long transactionBeganNanos;
    private volatile boolean finishing;
    private volatile boolean abandoned;
    private volatile boolean finished;

    /** A send Kafka refused; {@code deadLetter} when it was the dead-letter copy of {@code record}. */
    private record SendFailure(Batch batch, SourceRecord record, Throwable error, boolean deadLetter) {
    }

    /** Thrown inside a send when a source must be held back: its records come out of the transaction. */
    private static final class SourceHeld extends KafkaException {
        final SourceHandle source;

        SourceHeld(SourceHandle source, String reason) {
            super(reason);
            this.source = source;
        }
    }

    Committer(DeliveryMode delivery, InFlightBuffer buffer, ProducerSupervisor producers, TopicGate topics,
              UnwritableRecords unwritable, DeadLetters deadLetters, Duration commitInterval, String agentId, String offsetsTopic,
              FatalHandler fatalHandler, ProducerHealth health, Ticker ticker, MeterRegistry registry) {
        this.delivery = delivery;
        this.buffer = buffer;
        this.producers = producers;
        this.topics = topics;
        this.unwritable = unwritable;
        this.deadLetters = deadLetters;
        this.ticker = ticker;
        this.commitIntervalNanos = commitInterval.toNanos();
        this.idleCommitNanos = Math.max(MIN_IDLE_COMMIT_NANOS, commitIntervalNanos / 10);
        this.maxTransactionBytes = Math.max(1, buffer.maxBytes() / 2);
        this.agentId = agentId;
        this.offsetsTopic = offsetsTopic;
        this.fatalHandler = fatalHandler;
        this.health = health;
        committedTransactions = Counter.builder("tributary.transactions").description("Kafka transactions (or at_least_once commits) by outcome")
                .tag("outcome", "committed").register(registry);
        abortedTransactions = Counter.builder("tributary.transactions").description("Kafka transactions (or at_least_once commits) by outcome")
                .tag("outcome", "aborted").register(registry);
        commitLatency = Timer.builder("tributary.commit.latency").description("Time to write checkpoints and commit")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** Asks the thread to commit what it holds and what is queued, then end. Sources must be stopped first. */
    void finish() {
        finishing = true;
    }

    /** Asks the thread to give up what it has not committed and end at once: the graceful stop ran out of time. */
    void abandon() {
        abandoned = true;
    }

    boolean isFinished() {
        return finished;
    }

    /** The producer as it closes at the end of the run; null when none could be made. */
    Producer<byte[], byte[]> producer() {
        return producers.producer();
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (InterruptedException | Abandoned e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Gave up waiting for Kafka with {} records not committed; sources that can replay read them again on restart",
                    openRecords());
        } catch (FatalException e) {
            fatalHandler.fatal(e.getMessage(), e.getCause());
        } catch (RuntimeException | Error e) {
            if (abandoned) {
                log.warn("Gave up waiting for Kafka with {} records not committed ({})", openRecords(), e.toString());
            } else {
                fatalHandler.fatal("the commit thread failed: " + e, e);
            }
        } finally {
            finished = true;
        }
    }

    private void loop() throws InterruptedException {
        while (true) {
            if (abandoned) {
                throw new Abandoned();
            }
            forgetRemovedSources();
            if (topics.poll()) {
                settleHeldSources();
            }
            long waitNanos = open.isEmpty() ? IDLE_WAIT_NANOS : Math.max(0, commitDueNanos() - ticker.nanoTime());
            Batch batch = buffer.take(Math.min(waitNanos, IDLE_WAIT_NANOS));
            if (batch != null) {
                lastBatchNanos = ticker.nanoTime();
                add(batch);
            }
            boolean drained = finishing && buffer.isQueueEmpty();
            if (!open.isEmpty() && (drained || open.bytes() >= maxTransactionBytes || ticker.nanoTime() - commitDueNanos() >= 0)) {
                commit();
            }
            if (drained && open.isEmpty()) {
                giveUpHeld();
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
        return Math.min(open.openedNanos() + commitIntervalNanos, lastBatchNanos + idleCommitNanos);
    }

    private void add(Batch batch) throws InterruptedException {
        SourceHandle source = batch.source();
        if (failedSources.contains(source)) {
            discard(batch);
            return;
        }
        Deque<Batch> waiting = held.get(source);
        if (waiting != null) {
            waiting.addLast(batch);
            return;
        }
        String blocked = blockedTopic(batch);
        if (blocked != null) {
            holdForTopic(source, List.of(batch), blocked);
            return;
        }
        open.add(batch, ticker.nanoTime());
        try {
            send(batch);
        } catch (KafkaException | IllegalStateException e) {
            recover(asKafkaException(e));
        }
    }

    /**
     * The first topic of the batch not known to be writable yet (Kafka said it is not, or its check
     * is under way); null when all are. Records for a name that can never be a topic are marked
     * unwritable.
     */
    private String blockedTopic(Batch batch) {
        String previous = null;
        TopicGate.TopicStatus status = null;
        for (SourceRecord record : batch.records()) {
            if (record.isCheckpointOnly()) {
                continue;
            }
            String topic = record.topic();
            if (!topic.equals(previous)) {
                previous = topic;
                status = topics.status(topic);
                if (status == null || status.kind() == TopicGate.TopicStatus.Kind.UNAVAILABLE) {
                    return topic;
                }
            }
            if (status.kind() == TopicGate.TopicStatus.Kind.INVALID) {
                unwritable.mark(record, new InvalidTopicException(status.reason()));
            }
        }
        return null;
    }

    /**
     * Holds the source back until the topic can be written. While the topic's first check is under
     * way (a moment, at a source's start) the batches just wait; the source is paused, and says so,
     * once Kafka said the topic cannot be written.
     */
    private void holdForTopic(SourceHandle source, List<Batch> batches, String topic) {
        TopicGate.TopicStatus status = topics.status(topic);
        keep(source, batches);
        if (status != null) {
            pause(source, status.reason());
        }
    }

    private void hold(SourceHandle source, List<Batch> batches, String reason) {
        keep(source, batches);
        pause(source, reason);
    }

    private void keep(SourceHandle source, List<Batch> batches) {
        Deque<Batch> waiting = held.computeIfAbsent(source, s -> new ArrayDeque<>());
        for (int i = batches.size() - 1; i >= 0; i--) {
            waiting.addFirst(batches.get(i));
        }
    }

    private static void pause(SourceHandle source, String reason) {
        if (!source.isPaused()) {
            log.warn("Source {} paused: {}. Its records are kept and written once that is resolved; the other sources go on",
                    source.name(), reason);
        }
        source.pause(reason);
    }

    /**
     * Drops what the commit thread holds of a source that was removed (a reload stopped it): its
     * records could not be written, and its successor reads them again from the committed checkpoints.
     */
    void forget(SourceHandle source) {
        forgotten.add(source);
    }

    private void forgetRemovedSources() {
        for (SourceHandle source = forgotten.poll(); source != null; source = forgotten.poll()) {
            Deque<Batch> waiting = held.remove(source);
            if (waiting != null) {
                int records = 0;
                for (Batch batch : waiting) {
                    records += batch.records().size();
                    discard(batch);
                }
                log.info("Source {} was removed while paused: {} records it read and could not write are dropped", source.name(), records);
            }
        }
    }

    /**
     * After topic checks finished: sends the held batches of sources whose topics can all be written
     * now, in order, and pauses, with Kafka's reason, the sources whose topics cannot.
     */
    private void settleHeldSources() throws InterruptedException {
        for (SourceHandle source : List.copyOf(held.keySet())) {
            Deque<Batch> waiting = held.get(source);
            String blocked = null;
            for (Batch batch : waiting) {
                blocked = blockedTopic(batch);
                if (blocked != null) {
                    break;
                }
            }
            if (blocked != null) {
                TopicGate.TopicStatus status = topics.status(blocked);
                if (status != null) {
                    pause(source, status.reason());
                }
                continue;
            }
            held.remove(source);
            if (source.isPaused()) {
                log.info("Source {} resumes", source.name());
            }
            source.resume();
            for (Batch batch : waiting) {
                add(batch);
            }
        }
    }

    private void send(Batch batch) {
        if (delivery.begin(producers.producer())) {
            transactionBeganNanos = ticker.nanoTime();
        }
        RecordSource.set(batch.source().name());
        try {
            sendRecords(batch);
        } finally {
            RecordSource.set(null);
        }
    }

    private void sendRecords(Batch batch) {
        List<SourceRecord> records = batch.records();
        SourceHandle source = batch.source();
        Producer<byte[], byte[]> producer = producers.producer();
        for (int i = 0; i < records.size(); i++) {
            if (open.hasFailed(source) && i >= open.endOf(batch)) {
                return;
            }
            SourceRecord record = records.get(i);
            if (record.isCheckpointOnly()) {
                continue;
            }
            Throwable error = unwritable.check(record);
            if (error != null) {
                handleUnwritable(batch, i, error);
                continue;
            }
            Future<RecordMetadata> sent = producer.send(toProducerRecord(record), (metadata, e) -> {
                if (e != null) {
                    failures.add(new SendFailure(batch, record, e, false));
                }
            });
            throwIfFailedAtOnce(sent);
        }
    }

    /*
     * The producer fails a send it cannot even start, as when a topic's metadata did not come within
     * max.block.ms, in its callback and a failed future, not by throwing. Each further record of the
     * batch would wait max.block.ms again (60 s by default), with no commit begun to tell /health:
     * the failure ends the batch's sending now, and recovery takes over.
     */
    private static void throwIfFailedAtOnce(Future<RecordMetadata> sent) {
        if (!sent.isDone()) {
            return;
        }
        try {
            sent.get();
        } catch (ExecutionException e) {
            throw new KafkaException("sending failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handleUnwritable(Batch batch, int index, Throwable error) {
        SourceHandle source = batch.source();
        SourceRecord record = batch.records().get(index);
        switch (source.onError()) {
            case DEAD_LETTER -> {
                if (unwritable.isDeadLetterRefused(record)) {
                    return;
                }
                String topic = source.deadLetterTopic();
                if (!topics.isWritable(topic)) {
                    throw new SourceHeld(source, "its dead-letter topic cannot be written: " + topics.problem(topic));
                }
                producers.producer().send(deadLetters.copyOf(source, record, error), (metadata, e) -> {
                    if (e != null) {
                        failures.add(new SendFailure(batch, record, e, true));
                    }
                });
            }
            case SKIP -> {
            }
            case FAIL -> {
                if (open.failAt(batch, index)) {
                    failedSources.add(source);
                    source.failedOnRecord("stopped by on_error: fail on a record it cannot write: " + error.getMessage());
                    log.error("{}; the source stops as on_error: fail says. Its checkpoint stays before this record",
                            describeUnwritable(source, record, error));
                    if (delivery.isTransactional() && open.endOf(batch) < index) {
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
        if (source.onError() == OnError.DEAD_LETTER && !unwritable.isDeadLetterRefused(record)) {
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

    private static ProducerRecord<byte[], byte[]> toProducerRecord(SourceRecord record) {
        return new ProducerRecord<>(record.topic(), null, record.timestamp(), record.key(), record.value(), record.headers());
    }

    /** Commits the open records and their checkpoints, retrying until done or the agent must stop. */
    private void commit() throws InterruptedException {
        long started = ticker.nanoTime();
        health.commitStarted();
        Map<SourceHandle, Map<String, Position>> checkpoints;
        while (true) {
            // After a recovery the transaction may hold fewer records: the checkpoints come from what it holds now.
            checkpoints = open.checkpoints();
            try {
                Producer<byte[], byte[]> producer = producers.producer();
                Map<SourceHandle, Map<String, Position>> toWrite = checkpoints;
                delivery.commit(producer, () -> writeCheckpoints(producer, toWrite), this::throwFirstFailure, this::commitTimedOut);
                break;
            } catch (KafkaException | IllegalStateException e) {
                recover(asKafkaException(e));
            }
            if (open.isEmpty()) {
                // Every record came out of the transaction (their sources are held): nothing to commit.
                health.committed();
                return;
            }
        }
        commitLatency.record(Duration.ofNanos(ticker.nanoTime() - started));
        committedTransactions.increment();
        health.committed();
        long settledBytes = open.bytes();
        open.settle(checkpoints, new OpenTransaction.UnwritableReport() {
            @Override
            public Throwable unwritable(SourceRecord record) {
                return unwritable.get(record);
            }

            @Override
            public void report(SourceHandle source, SourceRecord record, Throwable error) {
                reportUnwritable(source, record, error);
            }
        }, ticker.nanoTime());
        buffer.release(settledBytes);
        unwritable.clear();
        failures.clear();
    }

    private void commitTimedOut(TimeoutException e, int attempts) {
        health.problem("commit is waiting for Kafka: " + e.getMessage());
        log.warn("Committing a transaction timed out ({} attempts so far); retrying: {}", attempts, e.getMessage());
        if (abandoned) {
            throw new Abandoned();
        }
    }

    private void throwFirstFailure() {
        SendFailure failure = failures.peek();
        if (failure != null) {
            throw new KafkaException("some records were not acknowledged: " + failure.error(), failure.error());
        }
    }

    private void writeCheckpoints(Producer<byte[], byte[]> producer, Map<SourceHandle, Map<String, Position>> checkpoints) {
        for (Map.Entry<SourceHandle, Map<String, Position>> source : checkpoints.entrySet()) {
            for (Map.Entry<String, Position> stream : source.getValue().entrySet()) {
                byte[] key = CheckpointCodec.encodeKey(new CheckpointKey(agentId, source.getKey().name(), stream.getKey()));
                producer.send(new ProducerRecord<>(offsetsTopic, key, CheckpointCodec.encodeValue(stream.getValue())), (metadata, error) -> {
                    if (error != null) {
                        failures.add(new SendFailure(null, null, error, false));
                    }
                });
            }
        }
    }

    private void discard(Batch batch) {
        batch.source().discarded(batch.records().size(), batch.bytes());
        buffer.release(batch.bytes());
    }

    /**
     * After a failed send or commit: abort; hold back the sources whose topics Kafka refused; find
     * the records Kafka will never take; wait; and write what remains again in a new transaction.
     * Returns once it is all sent again. Retries for as long as Kafka is away.
     */
    private void recover(KafkaException cause) throws InterruptedException {
        Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
        KafkaException error = cause;
        while (true) {
            if (abandoned) {
                throw new Abandoned();
            }
            abortedTransactions.increment();
            if (!(error instanceof SourceHeld)) {
                health.problem("writing to Kafka failed: " + error.getMessage());
            }
            try {
                abort(error);
                settleFailures();
                if (error instanceof SourceHeld held) {
                    hold(held.source, open.remove(held.source), held.getMessage());
                } else {
                    Duration wait = backoff.next();
                    log.warn("Writing to Kafka failed ({}); {} records will be written again in {} ms", KafkaErrors.describe(error), openRecords(),
                            wait.toMillis());
                    ticker.sleep(wait);
                }
                for (Batch batch : open.batches()) {
                    send(batch);
                }
                return;
            } catch (KafkaException | IllegalStateException e) {
                error = asKafkaException(e);
            }
        }
    }

    /**
     * The producer throws IllegalStateException when a transaction is in a state it did not expect
     * (a commit interrupted by a timeout, say); treated like a failed transaction, whose recovery
     * replaces the producer if aborting fails too.
     */
    private static KafkaException asKafkaException(RuntimeException e) {
        return e instanceof KafkaException kafka ? kafka : new KafkaException("the producer is in an unexpected state: " + e.getMessage(), e);
    }

    /** How long the Kafka transaction now open has been open; zero when none is. */
    private Duration transactionAge() {
        return delivery.inTransaction() ? Duration.ofNanos(ticker.nanoTime() - transactionBeganNanos) : Duration.ZERO;
    }

    /** Ends the failed transaction: aborts it, or replaces the producer when it cannot abort or was fenced. */
    private void abort(KafkaException error) throws InterruptedException {
        KafkaException fenced = KafkaErrors.fencing(error);
        if (fenced != null) {
            failures.clear();
            producers.fenced(fenced, transactionAge());
            delivery.reset();
            return;
        }
        try {
            delivery.abort(producers.producer());
        } catch (KafkaException e) {
            KafkaException fencedOnAbort = KafkaErrors.fencing(e);
            if (fencedOnAbort != null) {
                producers.fenced(fencedOnAbort, transactionAge());
            } else {
                log.warn("Aborting failed ({}); replacing the producer, which aborts the transaction for good", KafkaErrors.describe(e));
                producers.replace("it could not abort: " + e.getMessage());
            }
            delivery.reset();
        }
    }

    /**
     * Learns from the failed sends: holds back the sources of topics Kafka says cannot be written
     * now, and finds the records it will never take. Sends are retried when neither applies.
     */
    private void settleFailures() {
        Set<SourceHandle> toHold = new LinkedHashSet<>();
        Map<String, String> suspectTopics = new LinkedHashMap<>();
        List<SourceRecord> suspects = new ArrayList<>();
        Set<SourceRecord> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (SendFailure failure = failures.poll(); failure != null; failure = failures.poll()) {
            if (failure.record() == null) {
                continue;
            }
            if (failure.deadLetter()) {
                if (KafkaErrors.isRecordLevel(failure.error())) {
                    unwritable.deadLetterRefused(failure.record());
                } else if (!KafkaErrors.unavailableTopics(failure.error(), failure.batch().source().deadLetterTopic()).isEmpty()) {
                    topics.suspect(failure.batch().source().deadLetterTopic(), failure.error().getMessage());
                }
                continue;
            }
            Set<String> unavailable = KafkaErrors.unavailableTopics(failure.error(), failure.record().topic());
            if (!unavailable.isEmpty()) {
                for (String topic : unavailable) {
                    suspectTopics.putIfAbsent(topic, failure.error().getMessage());
                }
            } else if (KafkaErrors.isRecordLevel(failure.error()) && seen.add(failure.record())) {
                suspects.add(failure.record());
            }
        }
        suspectTopics.forEach(topics::suspect);
        if (!suspectTopics.isEmpty()) {
            for (Batch batch : open.batches()) {
                for (SourceRecord record : batch.records()) {
                    if (!record.isCheckpointOnly() && suspectTopics.containsKey(record.topic())) {
                        toHold.add(batch.source());
                        break;
                    }
                }
            }
            for (SourceHandle source : toHold) {
                String topic = topicOf(source, suspectTopics.keySet());
                hold(source, open.remove(source), "Kafka refused its records for topic " + topic + ": " + suspectTopics.get(topic));
            }
        }
        if (!suspects.isEmpty()) {
            int found = delivery.isTransactional()
                    ? unwritable.findAmong(suspects, this::probe)
                    : convictAll(suspects);
            log.info("{} of {} records refused in the transaction are ones Kafka will never take", found, suspects.size());
        }
    }

    /** at_least_once has no shared transaction: each error came with the record it is about. */
    private int convictAll(List<SourceRecord> suspects) {
        for (SourceRecord record : suspects) {
            unwritable.mark(record, new KafkaException("Kafka refused the record"));
        }
        return suspects.size();
    }

    private String topicOf(SourceHandle source, Set<String> topicNames) {
        for (Batch batch : open.batches()) {
            if (batch.source() == source) {
                for (SourceRecord record : batch.records()) {
                    if (topicNames.contains(record.topic())) {
                        return record.topic();
                    }
                }
            }
        }
        return topicNames.iterator().next();
    }

    /** Sends the records in a transaction of their own and aborts it: which ones does Kafka refuse? */
    private Map<SourceRecord, Throwable> probe(List<SourceRecord> records) {
        Producer<byte[], byte[]> producer = producers.producer();
        Map<SourceRecord, Throwable> refused = new java.util.concurrent.ConcurrentHashMap<>();
        List<Throwable> other = new java.util.concurrent.CopyOnWriteArrayList<>();
        producer.beginTransaction();
        try {
            for (SourceRecord record : records) {
                producer.send(toProducerRecord(record), (metadata, e) -> {
                    if (e != null && KafkaErrors.isRecordLevel(e)) {
                        refused.put(record, e);
                    } else if (e != null) {
                        other.add(e);
                    }
                });
            }
            producer.flush();
        } finally {
            producer.abortTransaction();
        }
        if (refused.isEmpty() && !other.isEmpty()) {
            throw new KafkaException("probing which record Kafka refuses failed: " + other.get(0), other.get(0));
        }
        return refused;
    }

    /** At the end of a graceful stop: what held sources still hold is not written. */
    private void giveUpHeld() {
        for (Map.Entry<SourceHandle, Deque<Batch>> entry : held.entrySet()) {
            int records = 0;
            for (Iterator<Batch> it = entry.getValue().iterator(); it.hasNext(); ) {
                Batch batch = it.next();
                records += batch.records().size();
                discard(batch);
            }
            log.warn("Source {} stopped while paused ({}): {} records it read were not written; a source that can replay reads them again",
                    entry.getKey().name(), entry.getKey().problem(), records);
        }
        held.clear();
    }

    private int openRecords() {
        int count = 0;
        for (Batch batch : open.batches()) {
            count += batch.records().size();
        }
        for (Deque<Batch> waiting : held.values()) {
            for (Batch batch : waiting) {
                count += batch.records().size();
            }
        }
        return count;
    }

    /** Errors after which the agent must stop rather than retry. */
    static final class FatalException extends RuntimeException {
        FatalException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The graceful stop ran out of time: the thread ends without committing. */
    static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("gave up waiting for Kafka", null, false, false);
        }
    }
}
