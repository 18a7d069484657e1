package io.tributary.api;

import java.util.List;
import java.util.Map;

/**
 * One running source: reads from the outside world and hands records to the agent.
 *
 * <h2>Lifecycle and threads</h2>
 * <ol>
 *   <li>{@link SourceType#create} builds the task; nothing runs yet. A task that is never started
 *       (one {@code validate} made, or one a reload made for a source it left running) gets only
 *       {@link #close}, on the thread that made it; so open resources in {@link #start}.</li>
 *   <li>{@link #start} is called once, on the task's own thread, with the committed checkpoints.</li>
 *   <li>{@link #poll} is called repeatedly on that same thread. It should block while there is
 *       nothing to return, but return control to the caller regularly (within about a second),
 *       with an empty list if need be.</li>
 *   <li>{@link #committed} is called from the agent's commit thread, never concurrently with
 *       itself, after the Kafka transaction holding records of this task committed (or, in
 *       {@code at_least_once}, after the broker acknowledged them). It must be quick and safe to run
 *       while {@link #poll} runs on the task thread.</li>
 *   <li>{@link #stop} may be invoked from a different thread at any time after {@link #start}. It
 *       must not block; it makes a blocked {@link #poll} return soon. After it, the agent keeps
 *       calling {@link #poll} until it returns an empty list, so a task that holds records it
 *       already accepted (a network source's queue, say) hands them over instead of losing them;
 *       it must not read anything new.</li>
 *   <li>{@link #close} is called once on the task thread after the last {@link #poll}, also when
 *       {@link #start} or {@link #poll} threw. Release files, sockets and connections there.</li>
 * </ol>
 *
 * <h2>Backpressure</h2>
 * The agent does not call {@link #poll} again until the records it returned fit in the agent's
 * bounded buffer, so a task that reads only inside {@link #poll} is paused for free when Kafka is
 * slow. A task with threads of its own (a network server) must bound what it holds and stop
 * reading (for TCP) or drop and count (for UDP) when its own queue is full.
 *
 * <h2>Errors</h2>
 * An exception from {@link #start} or {@link #poll} marks the source unhealthy; the agent waits until
 * every record the task handed over is committed, closes it, and starts a fresh task from the
 * committed checkpoints after a backoff. So a task never needs to rewind by itself.
 */
public interface SourceTask {

    /**
     * For {@code tributary validate}: checks what only the outside world can tell (a table exists and
     * is readable, a certificate file parses) without starting. Called on the validating thread,
     * instead of {@link #start}, never while running. Each problem is one message that names the
     * setting or the input (e.g. {@code sources.orders: table "ordrs" does not exist}); empty when
     * all is well.
     */
    default List<String> check() {
        return List.of();
    }

    /** Opens resources and positions the task at {@link SourceContext#committedPositions()}. */
    void start(SourceContext context) throws Exception;

    /**
     * Returns the next records, in checkpoint order for each stream; an empty list when there is
     * nothing for now. Never {@code null}.
     */
    List<SourceRecord> poll() throws Exception;

    /**
     * Tells the task that these positions (stream → position, the newest of each stream) are
     * durable in Kafka. A task may release what it kept for them, e.g. close a rotated file.
     */
    default void committed(Map<String, Position> positions) {
    }

    /** Asks the task to stop; called from another thread, must return at once. */
    void stop();

    /** Releases every resource; called on the task thread after the last {@link #poll}. */
    default void close() throws Exception {
    }
}
