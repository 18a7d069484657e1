package io.tributary.agent.pipeline;

import java.time.Duration;

/**
 * The pipeline's time: a monotonic clock and a way to wait on it. The agent uses {@link #SYSTEM};
 * tests pass a fake one so that backoffs, commit intervals and fencing windows pass without waiting.
 */
interface Ticker {
    long nanoTime();

    void sleep(Duration duration) throws InterruptedException;

    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            Thread.sleep(Math.max(0, duration.toMillis()));
        }
    };
}
