package io.tributary.agent.pipeline;

import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;

/** How a commit is made durable: one Kafka transaction ({@code exactly_once}) or acknowledgements ({@code at_least_once}). */
interface DeliveryMode {
    /** Called before records are sent: opens a transaction when none is open; true when it opened one. */
    boolean begin(Producer<byte[], byte[]> producer);

    /** True while a transaction is open. */
    boolean inTransaction();

    /**
     * Makes what was sent durable with the checkpoints it reaches.
     *
     * @param writeCheckpoints  sends the checkpoint records
     * @param throwIfRefused    throws when a send the producer reported back failed
     * @param commitTimedOut    told of each timed-out commit attempt before it is retried
     */
    void commit(Producer<byte[], byte[]> producer, Runnable writeCheckpoints, Runnable throwIfRefused,
                BiConsumer<TimeoutException, Integer> commitTimedOut);

    /** Ends a failed attempt so that its records can be sent again. */
    void abort(Producer<byte[], byte[]> producer);

    /** The producer was replaced: no transaction is open. */
    void reset();

    /** True when records of one commit are all written or none (records sent after a cut can be taken back). */
    boolean isTransactional();

    static DeliveryMode exactlyOnce() {
        return new ExactlyOnce();
    }

    static DeliveryMode atLeastOnce() {
        return new AtLeastOnce();
    }

    /** Records and checkpoints in one transaction; sources hear of checkpoints after it committed. */
    final class ExactlyOnce implements DeliveryMode {
        private boolean inTransaction;

        @Override
        public boolean begin(Producer<byte[], byte[]> producer) {
            if (inTransaction) {
                return false;
            }
            producer.beginTransaction();
            inTransaction = true;
            return true;
        }

        @Override
        public boolean inTransaction() {
            return inTransaction;
        }

        @Override
        public void commit(Producer<byte[], byte[]> producer, Runnable writeCheckpoints, Runnable throwIfRefused,
                           BiConsumer<TimeoutException, Integer> commitTimedOut) {
            begin(producer);
            writeCheckpoints.run();
            int attempts = 0;
            while (true) {
                try {
                    producer.commitTransaction();
                    inTransaction = false;
                    return;
                } catch (TimeoutException e) {
                    // Kafka allows only retrying the commit after a timeout: it may already be completing.
                    commitTimedOut.accept(e, ++attempts);
                }
            }
        }

        @Override
        public void abort(Producer<byte[], byte[]> producer) {
            if (inTransaction) {
                producer.abortTransaction();
                inTransaction = false;
            }
        }

        @Override
        public void reset() {
            inTransaction = false;
        }

        @Override
        public boolean isTransactional() {
            return true;
        }
    }

    /** An idempotent producer: checkpoints are written after every record before them was acknowledged. */
    final class AtLeastOnce implements DeliveryMode {
        @Override
        public boolean begin(Producer<byte[], byte[]> producer) {
            return false;
        }

        @Override
        public boolean inTransaction() {
            return false;
        }

        @Override
        public void commit(Producer<byte[], byte[]> producer, Runnable writeCheckpoints, Runnable throwIfRefused,
                           BiConsumer<TimeoutException, Integer> commitTimedOut) {
            producer.flush();
            throwIfRefused.run();
            writeCheckpoints.run();
            producer.flush();
            throwIfRefused.run();
        }

        @Override
        public void abort(Producer<byte[], byte[]> producer) {
        }

        @Override
        public void reset() {
        }

        @Override
        public boolean isTransactional() {
            return false;
        }
    }
}
