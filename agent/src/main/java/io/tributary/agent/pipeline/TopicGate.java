package io.tributary.agent.pipeline;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which topics the agent knows it can write, so that a source's records reach the producer only
 * then: a record for a missing or forbidden topic would make the producer wait {@code max.block.ms}
 * for its metadata on the commit thread, or abort the transaction of every source. A topic is
 * checked when it is first seen and again after Kafka refused it; one that is not writable is
 * checked again with a backoff until it is. Used by the commit thread only; the checks run on the
 * checker's threads and are picked up by {@link #poll()}.
 */
final class TopicGate {
    private static final Logger log = LoggerFactory.getLogger(TopicGate.class);
    private static final Duration FIRST_RECHECK = Duration.ofSeconds(1);
    private static final Duration MAX_RECHECK = Duration.ofSeconds(30);

    /** What a check found: a topic to write, one to wait for, or a name Kafka never takes. */
    record TopicStatus(Kind kind, String reason) {
        enum Kind { WRITABLE, UNAVAILABLE, INVALID }

        static final TopicStatus WRITABLE = new TopicStatus(Kind.WRITABLE, null);

        static TopicStatus unavailable(String reason) {
            return new TopicStatus(Kind.UNAVAILABLE, reason);
        }

        static TopicStatus invalid(String reason) {
            return new TopicStatus(Kind.INVALID, reason);
        }
    }

    /** Asks Kafka whether a topic can be written; may complete exceptionally when Kafka cannot say. */
    interface Checker {
        CompletableFuture<TopicStatus> check(String topic);
    }

    private static final class Entry {
        TopicStatus status;
        CompletableFuture<TopicStatus> pending;
        long nextCheckNanos;
        final Backoff backoff = new Backoff(FIRST_RECHECK, MAX_RECHECK);
    }

    private final Checker checker;
    private final Ticker ticker;
    private final Runnable checkFinished;
    private final Map<String, Entry> topics = new HashMap<>();

    /**
     * @param checkFinished called, on the checker's thread, as each check finishes: the commit thread,
     *                      which may wait for batches meanwhile, then picks up its outcome at once
     *                      rather than after its wait (up to 100 ms for a source's first record)
     */
    TopicGate(Checker checker, Ticker ticker, Runnable checkFinished) {
        this.checker = checker;
        this.ticker = ticker;
        this.checkFinished = checkFinished;
    }

    private CompletableFuture<TopicStatus> check(String topic) {
        CompletableFuture<TopicStatus> check = checker.check(topic);
        check.whenComplete((status, error) -> checkFinished.run());
        return check;
    }

    /** The topic's last known status; null while it was never checked, and a check is started. */
    TopicStatus status(String topic) {
        Entry entry = topics.get(topic);
        if (entry == null) {
            entry = new Entry();
            topics.put(topic, entry);
            entry.pending = check(topic);
        }
        return entry.status;
    }

    boolean isWritable(String topic) {
        TopicStatus status = status(topic);
        return status != null && status.kind() == TopicStatus.Kind.WRITABLE;
    }

    /** Why the topic cannot be written yet, for /health and logs. */
    String problem(String topic) {
        TopicStatus status = status(topic);
        if (status == null) {
            return "checking topic " + topic;
        }
        return status.reason();
    }

    /** Kafka refused a record for the topic: it is checked again before more records go there. */
    void suspect(String topic, String reason) {
        Entry entry = topics.computeIfAbsent(topic, t -> new Entry());
        if (entry.pending == null) {
            entry.status = TopicStatus.unavailable(reason);
            entry.pending = check(topic);
        }
    }

    /** Picks up finished checks and starts the due ones; true when a check finished. */
    boolean poll() {
        boolean checked = false;
        long now = ticker.nanoTime();
        for (Map.Entry<String, Entry> e : topics.entrySet()) {
            Entry entry = e.getValue();
            if (entry.pending != null && entry.pending.isDone()) {
                TopicStatus previous = entry.status;
                entry.status = outcome(e.getKey(), entry.pending);
                entry.pending = null;
                checked = true;
                if (entry.status.kind() == TopicStatus.Kind.WRITABLE) {
                    entry.backoff.reset();
                    if (previous != null && previous.kind() != TopicStatus.Kind.WRITABLE) {
                        log.info("Topic {} can be written again", e.getKey());
                    }
                } else {
                    Duration wait = entry.backoff.next();
                    entry.nextCheckNanos = now + wait.toNanos();
                    if (previous == null || !entry.status.equals(previous)) {
                        log.warn("{}; checking again in {} s and backing off up to {} s", entry.status.reason(), wait.toSeconds(), MAX_RECHECK.toSeconds());
                    }
                }
            }
            if (entry.pending == null && entry.status.kind() == TopicStatus.Kind.UNAVAILABLE && now - entry.nextCheckNanos >= 0) {
                entry.pending = check(e.getKey());
            }
        }
        return checked;
    }

    private static TopicStatus outcome(String topic, CompletableFuture<TopicStatus> check) {
        try {
            return check.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return TopicStatus.unavailable("cannot check topic " + topic + ": " + cause.getMessage());
        }
    }
}
