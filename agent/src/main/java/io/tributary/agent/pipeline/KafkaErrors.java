package io.tributary.agent.pipeline;

import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What an error from the producer says, and about what. Kafka reports the error that aborted a
 * transaction on every record still in it, so none of these is evidence about the record it came
 * with: a record-level error makes the record a suspect, a topic-level one makes the topic one.
 */
final class KafkaErrors {
    private KafkaErrors() {
    }

    /** The record itself may never be written: too large, invalid for its topic, or a bad topic name. */
    static boolean isRecordLevel(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException || t instanceof InvalidRecordException
                    || t instanceof InvalidTopicException || t instanceof CorruptRecordException || t instanceof InvalidTimestampException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The topics an error says cannot be written now (missing, not authorised, no metadata): for a
     * topic authorisation error the topics it names, otherwise the record's own topic. Empty when
     * the error is not about a topic.
     */
    static Set<String> unavailableTopics(Throwable error, String recordTopic) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof TopicAuthorizationException authorization) {
                return authorization.unauthorizedTopics().isEmpty() ? Set.of(recordTopic) : authorization.unauthorizedTopics();
            }
            if (t instanceof UnknownTopicOrPartitionException
                    || t instanceof TimeoutException && t.getMessage() != null && t.getMessage().contains("not present in metadata")) {
                return Set.of(recordTopic);
            }
        }
        return Set.of();
    }

    /**
     * The producer's epoch was taken from it: another producer with the same transactional id
     * initialised, or the coordinator aborted a transaction that outlived {@code transaction.timeout.ms}.
     * Kafka reports either as {@link ProducerFencedException} or, on a produce request,
     * {@link InvalidProducerEpochException}. Null when the error is neither.
     */
    static KafkaException fencing(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                return (KafkaException) t;
            }
        }
        return null;
    }

    /** The error and its root cause, for logs. */
    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? error.toString() : error + " caused by " + root;
    }
}
