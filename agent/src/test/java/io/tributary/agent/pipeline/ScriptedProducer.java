package io.tributary.agent.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A {@link MockProducer} that refuses records as a broker would inside a transaction: when one
 * pending record is refused, Kafka fails every record still in the transaction with the same
 * exception, and the commit throws it. Which records are refused, and with what, is scripted.
 */
final class ScriptedProducer extends MockProducer<byte[], byte[]> {
    private final List<Function<ProducerRecord<byte[], byte[]>, RuntimeException>> rules = new ArrayList<>();
    private final List<ProducerRecord<byte[], byte[]>> pending = new ArrayList<>();
    private final List<ProducerRecord<byte[], byte[]>> committed = new ArrayList<>();
    private RuntimeException failure;
    int commitTimeouts;
    RuntimeException commitError;
    int aborts;
    /** Runs at each commit attempt, before it does anything: a test's way to let time pass during an outage. */
    Runnable beforeCommit = () -> { };

    ScriptedProducer() {
        super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        initTransactions();
    }

    /** Kafka refuses records for which {@code rule} returns an exception. */
    ScriptedProducer refuse(Function<ProducerRecord<byte[], byte[]>, RuntimeException> rule) {
        rules.add(rule);
        return this;
    }

    @Override
    public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
            ProducerRecord<byte[], byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
        pending.add(record);
        return super.send(record, callback);
    }

    @Override
    public synchronized void flush() {
        failure = null;
        for (ProducerRecord<byte[], byte[]> record : pending) {
            for (var rule : rules) {
                RuntimeException refused = rule.apply(record);
                if (refused != null && failure == null) {
                    failure = refused;
                }
            }
        }
        if (failure == null) {
            while (completeNext()) {
                // completes every pending send
            }
        } else {
            while (errorNext(failure)) {
                // Kafka fails every record of the transaction with the error that aborted it
            }
        }
    }

    @Override
    public synchronized void commitTransaction() {
        beforeCommit.run();
        if (commitTimeouts > 0) {
            commitTimeouts--;
            throw new org.apache.kafka.common.errors.TimeoutException("Timeout expired after 5000ms while awaiting EndTxn(true)");
        }
        if (commitError != null) {
            RuntimeException error = commitError;
            commitError = null;
            throw error;
        }
        flush();
        if (failure != null) {
            throw new KafkaException("Cannot execute transactional method because we are in an error state", failure);
        }
        committed.addAll(pending);
        pending.clear();
        super.commitTransaction();
    }

    @Override
    public synchronized void abortTransaction() {
        aborts++;
        flush();
        pending.clear();
        failure = null;
        super.abortTransaction();
    }

    /** The records of committed transactions, in order. */
    synchronized List<ProducerRecord<byte[], byte[]>> committedRecords() {
        return List.copyOf(committed);
    }
}
