package io.tributary.benchmarks;

/**
 * What reached a topic: how many committed records, and when the broker appended the first and the
 * last of them (the topics use {@code LogAppendTime}, so both come from the broker's one clock).
 *
 * @param endOffset the topic's last stable offset once they were counted: where records written
 *                  after them start
 */
record Delivery(long records, long firstAppendMillis, long lastAppendMillis, long endOffset) {

    /**
     * Records per second between the first and the last append: the time a contender spent writing,
     * without its JVM's start-up, which differs between contenders and is not what is compared.
     */
    double recordsPerSecond() {
        return records * 1000.0 / Math.max(1, lastAppendMillis - firstAppendMillis);
    }
}
