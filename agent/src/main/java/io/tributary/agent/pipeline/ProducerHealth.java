package io.tributary.agent.pipeline;

import java.time.Duration;

/**
 * Whether the shared producer is getting records into Kafka; what {@code /health} reports for it.
 * Unhealthy after a failed write until the next commit, and while a commit has waited longer than
 * {@link #STALL} (Kafka unreachable: the producer keeps retrying and the commit simply waits).
 */
public final class ProducerHealth {
    static final Duration STALL = Duration.ofSeconds(5);

    private volatile String problem = "not started";
    private volatile long commitStartedNanos;
    private volatile boolean committing;

    void commitStarted() {
        commitStartedNanos = System.nanoTime();
        committing = true;
    }

    void committed() {
        committing = false;
        problem = null;
    }

    void problem(String reason) {
        problem = reason;
    }

    void started() {
        problem = null;
    }

    /** Null when healthy. */
    public String problem() {
        String current = problem;
        if (current != null) {
            return current;
        }
        if (committing) {
            long waited = System.nanoTime() - commitStartedNanos;
            if (waited > STALL.toNanos()) {
                return "a commit has waited " + Duration.ofNanos(waited).toSeconds() + "s for Kafka";
            }
        }
        return null;
    }
}
