package io.tributary.agent.pipeline;

import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.agent.transform.SourceTransforms;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of one source: starts its task, polls it into the {@link InFlightBuffer} (blocking
 * there is the backpressure), and when the task throws, waits until everything the task handed over
 * is committed, then starts a fresh task from the committed checkpoints after a backoff. Every call
 * into the task runs under the plugin's class loader.
 */
final class SourceRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SourceRunner.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final SourceHandle handle;
    private final Callable<SourceTask> newTask;
    private final ClassLoader loader;
    private final Function<SourceHandle, AgentSourceContext> contexts;
    private final InFlightBuffer buffer;
    private final SourceTransforms transforms;
    private final Object lock = new Object();
    private volatile boolean stopping;
    private SourceTask current;

    SourceRunner(SourceHandle handle, Callable<SourceTask> newTask, ClassLoader loader,
                 Function<SourceHandle, AgentSourceContext> contexts, InFlightBuffer buffer, SourceTransforms transforms) {
        this.handle = handle;
        this.newTask = newTask;
        this.loader = loader;
        this.contexts = contexts;
        this.buffer = buffer;
        this.transforms = transforms;
    }

    SourceHandle handle() {
        return handle;
    }

    @Override
    public void run() {
        Thread.currentThread().setContextClassLoader(loader);
        Backoff backoff = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);
        try {
            while (!stopping && !handle.isFailed()) {
                if (runTaskOnce()) {
                    return;
                }
                handle.countTaskFailure();
                awaitNothingInFlight();
                Duration wait = backoff.next();
                handle.runnerProblem(handle.problem() + "; restarting in " + wait.toSeconds() + "s");
                sleepUnlessStopping(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Source {}: stopped while waiting for Kafka; what it read and did not commit will be read again on restart", handle.name());
        } finally {
            transforms.close();
        }
    }

    /** Runs one task to its end; true when it ended because the source stops, false when it failed. */
    private boolean runTaskOnce() throws InterruptedException {
        SourceTask task;
        try {
            task = newTask.call();
        } catch (Exception | LinkageError e) {
            handle.runnerProblem("cannot create task: " + e);
            log.error("Source {}: cannot create its task", handle.name(), e);
            return false;
        }
        handle.attach(task, loader);
        synchronized (lock) {
            current = task;
        }
        AgentSourceContext context = contexts.apply(handle);
        // What the failed task said of its health ended with it; the new task reports its own.
        handle.taskProblem(null);
        try {
            task.start(context);
            handle.runnerProblem(null);
            log.info("Source {} ({}) started", handle.name(), handle.type());
            while (!stopping && !handle.isFailed()) {
                offer(task.poll());
            }
            if (handle.isFailed()) {
                task.stop();
                return true;
            }
            drain(task);
            return true;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception | LinkageError e) {
            handle.runnerProblem("task failed: " + e);
            log.error("Source {}: its task failed; it restarts from the committed checkpoints once what it read is committed", handle.name(), e);
            return false;
        } finally {
            synchronized (lock) {
                current = null;
            }
            close(task);
            context.close();
        }
    }

    /** After stop(): hands over what the task already holds, until it returns nothing. */
    private void drain(SourceTask task) throws Exception {
        while (true) {
            List<SourceRecord> records = task.poll();
            if (records.isEmpty()) {
                return;
            }
            offer(records);
        }
    }

    private void offer(List<SourceRecord> records) throws InterruptedException {
        if (records == null) {
            throw new IllegalStateException("poll() returned null; it must return an empty list when it has nothing");
        }
        if (records.isEmpty() || handle.isFailed()) {
            // Once failed, what the task still holds stays uncommitted: the source resumes before it.
            return;
        }
        handle.awaitUnpaused(() -> stopping);
        SourceTransforms.Result transformed = transforms.apply(records);
        if (!transformed.records().isEmpty()) {
            Batch batch = Batch.of(handle, transformed.records(), System.nanoTime());
            handle.accepted(batch);
            buffer.put(batch);
        }
        if (transformed.failure() != null) {
            handle.failedOnRecord(transformed.failure());
        }
    }

    private void close(SourceTask task) {
        try {
            task.close();
        } catch (Exception | LinkageError e) {
            log.warn("Source {}: closing its task failed", handle.name(), e);
        }
    }

    /** A fresh task must not start while records of the failed one may still be re-sent. */
    private void awaitNothingInFlight() throws InterruptedException {
        while (handle.inFlightRecords() > 0 && !stopping) {
            Thread.sleep(50);
        }
    }

    private void sleepUnlessStopping(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (lock) {
            while (!stopping) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Asks the source to stop; returns at once. The runner then drains the task and closes it. */
    void stop() {
        SourceTask task;
        synchronized (lock) {
            stopping = true;
            task = current;
            lock.notifyAll();
        }
        if (task != null) {
            try {
                LoaderSwap.run(loader, task::stop);
            } catch (RuntimeException | LinkageError e) {
                log.warn("Source {}: stop() threw", handle.name(), e);
            }
        }
    }
}
