package io.tributary.agent.pipeline;

import static io.tributary.agent.pipeline.CommitterHarness.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.agent.config.OnError;
import io.tributary.api.Position;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** Every way Kafka fails a commit, on scripted producers: what is retried, held back, blamed, or fatal. */
class CommitterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void recordsAndTheCheckpointsTheyReachCommitTogether() throws Exception {
        try (CommitterHarness harness = new CommitterHarness(true, new ScriptedProducer())) {
            SourceHandle logs = harness.source("logs", OnError.DEAD_LETTER);
            harness.offer(logs, record("a", "1", 1), record("a", "2", 2));
            await().atMost(WAIT).until(() -> harness.committedValues("a").size() == 2);
            assertThat(harness.committedValues("a")).containsExactly("1", "2");
            assertThat(harness.committedCheckpoints()).containsExactly(Position.of("offset", 2));
            await().atMost(WAIT).until(() -> logs.committedPositions().equals(java.util.Map.of("s", Position.of("offset", 2))));
        }
    }

    @Test
    void aCommitThatTimesOutIsRetriedUntilKafkaAnswers() throws Exception {
        ScriptedProducer producer = new ScriptedProducer();
        producer.commitTimeouts = 5;
        try (CommitterHarness harness = new CommitterHarness(true, producer)) {
            harness.offer(harness.source("logs", OnError.DEAD_LETTER), record("a", "1", 1));
            await().atMost(WAIT).until(() -> harness.committedValues("a").equals(List.of("1")));
            assertThat(harness.fatal).isEmpty();
            assertThat(harness.producers).hasSize(1);
        }
    }

    @Test
    void aProducerThatCannotBeReplacedWhileKafkaIsAwayIsRetriedAndTheAgentGoesOn() throws Exception {
        ScriptedProducer first = new ScriptedProducer();
        first.commitError = new KafkaException("the transaction could not be committed");
        first.abortTransactionException = new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(false)");
        try (CommitterHarness harness = new CommitterHarness(true, first)) {
            for (int i = 0; i < 4; i++) {
                harness.nextProducers.add(() -> {
                    throw new TimeoutException("Timeout expired after 60000ms while awaiting InitProducerId");
                });
            }
            harness.offer(harness.source("logs", OnError.DEAD_LETTER), record("a", "1", 1));
            await().atMost(WAIT).until(() -> harness.committedValues("a").equals(List.of("1")));
            assertThat(harness.fatal).isEmpty();
            assertThat(harness.producers).hasSize(2);
            assertThat(harness.health.problem()).isNull();
        }
    }

    @Test
    void fencingOfATransactionOpenLongerThanTheTransactionTimeoutIsTheCoordinatorAndTheAgentGoesOn() throws Exception {
        ScriptedProducer first = new ScriptedProducer();
        first.commitTimeouts = 1;
        first.commitError = new ProducerFencedException("There is a newer producer with the same transactionalId");
        try (CommitterHarness harness = new CommitterHarness(true, first)) {
            first.beforeCommit = () -> harness.ticker.advance(CommitterHarness.TRANSACTION_TIMEOUT);
            harness.offer(harness.source("logs", OnError.DEAD_LETTER), record("a", "1", 1));
            await().atMost(WAIT).until(() -> harness.committedValues("a").equals(List.of("1")));
            assertThat(harness.fatal).isEmpty();
            assertThat(harness.producers).hasSize(2);
        }
    }

    @Test
    void fencingOfAYoungTransactionIsASecondAgentAndStopsThisOneAtOnce() throws Exception {
        ScriptedProducer first = new ScriptedProducer();
        first.commitError = new ProducerFencedException("There is a newer producer with the same transactionalId");
        try (CommitterHarness harness = new CommitterHarness(true, first)) {
            harness.offer(harness.source("logs", OnError.DEAD_LETTER), record("a", "1", 1));
            await().atMost(WAIT).until(harness::isFinished);
            assertThat(harness.fatal).containsExactly(ProducerSupervisor.FENCED_MESSAGE);
            assertThat(harness.producers).hasSize(1);
            assertThat(harness.committedValues("a")).isEmpty();
        }
    }

    @Test
    void fencingThatRepeatsRightAfterReinitialisingIsASecondAgent() throws Exception {
        ScriptedProducer first = new ScriptedProducer();
        first.commitError = new ProducerFencedException("fenced");
        try (CommitterHarness harness = new CommitterHarness(true, first)) {
            first.beforeCommit = () -> harness.ticker.advance(CommitterHarness.TRANSACTION_TIMEOUT);
            harness.nextProducers.add(() -> {
                ScriptedProducer second = new ScriptedProducer();
                second.commitError = new ProducerFencedException("fenced");
                second.beforeCommit = () -> harness.ticker.advance(CommitterHarness.TRANSACTION_TIMEOUT.minusSeconds(30));
                return second;
            });
            harness.offer(harness.source("logs", OnError.DEAD_LETTER), record("a", "1", 1));
            await().atMost(WAIT).until(harness::isFinished);
            assertThat(harness.fatal).containsExactly(ProducerSupervisor.FENCED_MESSAGE);
            assertThat(harness.committedValues("a")).isEmpty();
        }
    }

    @Test
    void checkpointsAnotherAgentCommittedWhileThisOneWasAwayStopItAfterReinitialising() throws Exception {
        ScriptedProducer first = new ScriptedProducer();
        first.commitError = new ProducerFencedException("fenced");
        try (CommitterHarness harness = new CommitterHarness(true, first)) {
            first.beforeCommit = () -> harness.ticker.advance(CommitterHarness.TRANSACTION_TIMEOUT);
            harness.foreignCommits = "source logs has checkpoints {s={offset=7}} in the offsets topic, where this agent committed {}";
            harness.offer(harness.source("logs", OnError.DEAD_LETTER), record("a", "1", 1));
            await().atMost(WAIT).until(harness::isFinished);
            assertThat(harness.fatal).containsExactly(ProducerSupervisor.FENCED_MESSAGE + " (" + harness.foreignCommits + ")");
            assertThat(harness.committedValues("a")).isEmpty();
        }
    }

    @Test
    void fencingAgainLongAfterReinitialisingIsTheCoordinatorAgain() throws Exception {
        ScriptedProducer first = new ScriptedProducer();
        first.commitError = new ProducerFencedException("fenced");
        try (CommitterHarness harness = new CommitterHarness(true, first)) {
            first.beforeCommit = () -> harness.ticker.advance(CommitterHarness.TRANSACTION_TIMEOUT);
            SourceHandle logs = harness.source("logs", OnError.DEAD_LETTER);
            harness.offer(logs, record("a", "1", 1));
            await().atMost(WAIT).until(() -> harness.committedValues("a").equals(List.of("1")));
            ScriptedProducer second = harness.producer();
            second.commitError = new ProducerFencedException("fenced");
            second.beforeCommit = () -> harness.ticker.advance(CommitterHarness.TRANSACTION_TIMEOUT);
            harness.offer(logs, record("a", "2", 2));
            await().atMost(WAIT).until(() -> harness.committedValues("a").equals(List.of("1", "2")));
            assertThat(harness.fatal).isEmpty();
            assertThat(harness.producers).hasSize(3);
        }
    }

    @Test
    void aMissingTopicHoldsOnlyItsSourceUntilTheTopicExists() throws Exception {
        try (CommitterHarness harness = new CommitterHarness(true, new ScriptedProducer())) {
            harness.topicStatus.put("missing", TopicGate.TopicStatus.unavailable("topic missing does not exist, and the brokers do not create topics"));
            SourceHandle broken = harness.source("broken", OnError.DEAD_LETTER);
            SourceHandle healthy = harness.source("healthy", OnError.DEAD_LETTER);
            harness.offer(broken, record("missing", "b1", 1));
            harness.offer(healthy, record("ok", "h1", 1));
            harness.offer(broken, record("missing", "b2", 2));
            harness.offer(healthy, record("ok", "h2", 2));
            await().atMost(WAIT).until(() -> harness.committedValues("ok").equals(List.of("h1", "h2")));
            assertThat(broken.isPaused()).isTrue();
            assertThat(broken.problem()).isEqualTo("paused: topic missing does not exist, and the brokers do not create topics");
            assertThat(healthy.problem()).isNull();
            assertThat(harness.committedValues("missing")).isEmpty();

            harness.topicStatus.remove("missing");
            harness.ticker.advance(Duration.ofMinutes(1));
            await().atMost(WAIT).until(() -> harness.committedValues("missing").equals(List.of("b1", "b2")));
            assertThat(broken.isPaused()).isFalse();
            await().atMost(WAIT).until(() -> broken.committedPositions().get("s").equals(Position.of("offset", 2)));
        }
    }

    @Test
    void aTopicRefusedAtRunTimeHoldsItsSourceWithoutBlamingTheRecordsAbortedWithIt() throws Exception {
        ScriptedProducer producer = new ScriptedProducer()
                .refuse(r -> r.topic().equals("forbidden") ? new TopicAuthorizationException(Set.of("forbidden")) : null);
        try (CommitterHarness harness = new CommitterHarness(true, producer)) {
            SourceHandle broken = harness.source("broken", OnError.SKIP);
            SourceHandle healthy = harness.source("healthy", OnError.SKIP);
            harness.topicStatus.put("forbidden", TopicGate.TopicStatus.WRITABLE);
            harness.offer(healthy, record("ok", "h1", 1));
            harness.offer(broken, record("forbidden", "b1", 1));
            harness.offer(healthy, record("ok", "h2", 2));
            await().atMost(WAIT).until(() -> harness.producer().aborts > 0);
            harness.topicStatus.put("forbidden", TopicGate.TopicStatus.unavailable("topic forbidden is not authorised"));
            await().atMost(WAIT).until(() -> harness.committedValues("ok").equals(List.of("h1", "h2")));
            assertThat(broken.isPaused()).isTrue();
            assertThat(harness.registry.counter("tributary.source.errors", "source", "healthy", "source_type", "test", "action", "skip").count())
                    .isZero();
            assertThat(harness.fatal).isEmpty();
        }
    }

    @Test
    void aRecordTooLargeForItsTopicIsFoundAloneAndTheRecordsAbortedWithItAreWritten() throws Exception {
        ScriptedProducer producer = new ScriptedProducer().refuse(r -> r.topic().equals("small") && r.value().length > 100
                ? new RecordTooLargeException("The request included a message larger than the max message size the server will accept.")
                : null);
        try (CommitterHarness harness = new CommitterHarness(true, producer)) {
            SourceHandle skipper = harness.source("skipper", OnError.SKIP);
            SourceHandle innocent = harness.source("innocent", OnError.FAIL);
            harness.offer(innocent, record("other", "i1", 1));
            harness.offer(skipper, record("small", "s1", 1), record("small", "x".repeat(500), 2), record("small", "s3", 3));
            harness.offer(innocent, record("other", "i2", 2));
            await().atMost(WAIT).until(() -> harness.committedValues("other").equals(List.of("i1", "i2")));
            await().atMost(WAIT).until(() -> harness.committedValues("small").equals(List.of("s1", "s3")));
            assertThat(innocent.problem()).isNull();
            assertThat(harness.registry.counter("tributary.source.errors", "source", "skipper", "source_type", "test", "action", "skip").count())
                    .isEqualTo(1);
            assertThat(harness.fatal).isEmpty();
        }
    }

    @Test
    void aRecordInvalidForItsTopicIsDeadLetteredNotRetriedForever() throws Exception {
        ScriptedProducer producer = new ScriptedProducer().refuse(r -> r.topic().equals("compacted") && r.key() == null
                ? new InvalidRecordException("Compacted topic cannot accept message without key in topic partition compacted-0.")
                : null);
        try (CommitterHarness harness = new CommitterHarness(true, producer)) {
            SourceHandle logs = harness.source("logs", OnError.DEAD_LETTER);
            harness.offer(logs, record("compacted", "no key", 1));
            harness.offer(logs, record("other", "o1", 2));
            await().atMost(WAIT).until(() -> harness.committedValues("other").equals(List.of("o1")));
            assertThat(harness.committedValues("dead-letters")).containsExactly("no key");
            assertThat(harness.committedValues("compacted")).isEmpty();
            assertThat(harness.committedCheckpoints()).last().isEqualTo(Position.of("offset", 2));
        }
    }

    @Test
    void onErrorFailFoundWhileCommittingCommitsOnlyTheCheckpointsBeforeTheRecord() throws Exception {
        ScriptedProducer producer = new ScriptedProducer().refuse(r -> r.value() != null && r.value().length > 100
                ? new RecordTooLargeException("too large") : null);
        try (CommitterHarness harness = new CommitterHarness(true, producer)) {
            SourceHandle strict = harness.source("strict", OnError.FAIL);
            harness.offer(strict, record("a", "1", 1), record("a", "y".repeat(500), 2), record("a", "3", 3));
            await().atMost(WAIT).until(() -> harness.committedValues("a").equals(List.of("1")));
            assertThat(harness.committedCheckpoints()).containsExactly(Position.of("offset", 1));
            assertThat(strict.problem()).startsWith("stopped by on_error: fail on a record it cannot write: too large");
            await().atMost(WAIT).until(() -> strict.inFlightRecords() == 0);
        }
    }

    @Test
    void atLeastOnceTakesEachRefusalAsAboutItsOwnRecord() throws Exception {
        ScriptedProducer producer = new ScriptedProducer();
        try (CommitterHarness harness = new CommitterHarness(false, producer)) {
            SourceHandle logs = harness.source("logs", OnError.SKIP);
            harness.offer(logs, record("a", "1", 1), record("a", "2", 2));
            await().atMost(WAIT).until(() -> logs.committedPositions().get("s") != null
                    && logs.committedPositions().get("s").equals(Position.of("offset", 2)));
            assertThat(harness.fatal).isEmpty();
        }
    }

    @Test
    void givingUpAtStopEndsTheThreadWithoutCallingItFatal() throws Exception {
        ScriptedProducer producer = new ScriptedProducer();
        producer.commitTimeouts = Integer.MAX_VALUE;
        try (CommitterHarness harness = new CommitterHarness(true, producer)) {
            harness.offer(harness.source("logs", OnError.DEAD_LETTER), record("a", "1", 1));
            await().atMost(WAIT).until(() -> harness.health.problem() != null);
            harness.abandon();
            await().atMost(WAIT).until(harness::isFinished);
            assertThat(harness.fatal).isEmpty();
        }
    }
}
