package io.tributary.plugins.journald;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/**
 * Runs {@code journalctl --follow -o export} as a child process and feeds the entries it writes
 * into an {@link EntryQueue}, on a thread of its own. When journalctl exits or its output breaks,
 * it is started again after a backoff, at the cursor of the last entry queued, so nothing is read
 * twice or skipped. Every start at a cursor checks that the journal still holds that entry; when it
 * does not (vacuumed), the entries after its place are read, starting with the oldest still there,
 * and the loss is reported.
 *
 * <p>{@link #close} ends the child with SIGTERM, SIGKILL after a grace time, together with any
 * process it started, and waits for it. When the agent itself is killed, journalctl sees its
 * output pipe close and exits on its own (it polls its stdout while following).
 */
final class Journalctl implements AutoCloseable {
    /** Enough for a few hundred typical entries per read from the pipe. */
    private static final int READ_BUFFER_BYTES = 256 * 1024;
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    /** A child that ran this long is counted as having started well: the next failure backs off from the start. */
    private static final Duration STABLE_RUN = Duration.ofSeconds(10);
    private static final int STDERR_LINES_KEPT = 5;
    private static final String MACHINE_ID = "_MACHINE_ID";
    private static final Path MACHINE_ID_FILE = Path.of("/etc/machine-id");

    /** What the source hears from the reading thread; called on that thread. */
    interface Listener {
        /** The journal does not hold {@code cursor}'s entry any more; {@code next} is the entry read instead. */
        void cursorLost(String cursor, JournalEntry next);

        /** journalctl exited or could not start; it is started again after {@code retryIn}. */
        void failed(String reason, Duration retryIn, Throwable cause);

        /** A started journalctl is running. */
        void running();
    }

    private final JournaldConfig config;
    private final String executable;
    private final EntryQueue queue;
    private final Listener listener;
    private final Logger logger;
    private final Duration firstRetryDelay;
    private final Duration longestRetryDelay;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    /** The cursor of the last entry queued, or the committed one; {@code null} before the first entry. */
    private volatile String resumeCursor;
    /** With {@code read_from: end}, when the first journalctl started: a later one before any entry starts there. */
    private Instant firstStart;
    private volatile Process process;
    /** With --merge on the system journal: the match that keeps out other machines' journals, as journalctl does without it. */
    private final String localMachineId;

    Journalctl(JournaldConfig config, String executable, String committedCursor, EntryQueue queue, Listener listener,
            Logger logger, String threadName, Duration firstRetryDelay, Duration longestRetryDelay) {
        this.config = config;
        this.executable = executable;
        this.resumeCursor = committedCursor;
        this.queue = queue;
        this.listener = listener;
        this.logger = logger;
        this.firstRetryDelay = firstRetryDelay;
        this.longestRetryDelay = longestRetryDelay;
        this.localMachineId = config.directory() == null && !config.currentBootOnly()
                && !config.matches().containsKey(MACHINE_ID) ? machineId(logger) : null;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    private static String machineId(Logger logger) {
        try {
            return Files.readString(MACHINE_ID_FILE).strip();
        } catch (IOException e) {
            logger.warn("cannot read {}: reading the journals of every machine in the system journal's folders", MACHINE_ID_FILE, e);
            return null;
        }
    }

    void start() {
        thread.start();
    }

    /** The command line that starts reading where this reader stands. */
    List<String> command() {
        List<String> command = new ArrayList<>(List.of(executable, "--output=export", "--follow", "--no-pager", "--quiet"));
        if (config.directory() != null) {
            command.add("--directory=" + config.directory());
        }
        if (config.currentBootOnly()) {
            command.add("--boot");
        } else {
            // journalctl --follow reads only the current boot unless told --merge (systemd 252: "if
            // (arg_follow && !arg_merge && !arg_boot) arg_boot = true"), which loses a previous boot's
            // last entries after a reboot. --merge also reads other machines' journals in the same folders.
            command.add("--merge");
        }
        if (config.priority() < JournaldConfig.PRIORITIES.size() - 1) {
            command.add("--priority=0.." + config.priority());
        }
        for (String unit : config.units()) {
            command.add("--unit=" + unit);
        }
        String cursor = resumeCursor;
        if (cursor == null && config.readFrom() == JournaldConfig.ReadFrom.END && firstStart == null) {
            command.add("--lines=0");
        } else {
            // --follow otherwise means --lines=10, which also cuts what follows a --cursor to 10 entries
            // until new ones are written (systemd 252).
            command.add("--no-tail");
            if (cursor != null) {
                // --cursor, not --after-cursor: the entry at the cursor comes first, which shows it is still there.
                command.add("--cursor=" + cursor);
            } else if (config.readFrom() == JournaldConfig.ReadFrom.END) {
                command.add("--since=@" + firstStart.getEpochSecond());
            }
        }
        // Matches go last: journalctl takes every argument that is not an option as one.
        if (localMachineId != null) {
            command.add(MACHINE_ID + "=" + localMachineId);
        }
        for (Map.Entry<String, List<String>> match : config.matches().entrySet()) {
            for (String value : match.getValue()) {
                command.add(match.getKey() + "=" + value);
            }
        }
        return command;
    }

    private void run() {
        int failures = 0;
        while (stopped.getCount() > 0) {
            Instant started = Instant.now();
            String failure;
            Throwable cause = null;
            List<String> stderr = new ArrayList<>();
            try {
                List<String> command = command();
                if (firstStart == null) {
                    firstStart = started;
                }
                logger.debug("starting {}", command);
                Process child = new ProcessBuilder(command).start();
                process = child;
                child.getOutputStream().close();
                if (stopped.getCount() == 0) {
                    break;
                }
                Thread errors = drainErrors(child, stderr);
                listener.running();
                readAll(child.getInputStream());
                int exit = child.waitFor();
                errors.join(KILL_GRACE.toMillis());
                failure = "journalctl exited with code " + exit + lastLines(stderr);
            } catch (IOException e) {
                failure = (process == null ? "cannot run " + executable : "reading journalctl's output failed") + ": "
                        + e.getMessage() + lastLines(stderr);
                cause = e;
            } catch (InterruptedException e) {
                break;
            } finally {
                end(process);
                process = null;
            }
            if (stopped.getCount() == 0) {
                break;
            }
            failures = Duration.between(started, Instant.now()).compareTo(STABLE_RUN) >= 0 ? 1 : failures + 1;
            Duration delay = retryDelay(failures);
            listener.failed(failure, delay, cause);
            try {
                if (stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    private Duration retryDelay(int failures) {
        long millis = firstRetryDelay.toMillis() << Math.min(failures - 1, 16);
        return Duration.ofMillis(Math.min(millis, longestRetryDelay.toMillis()));
    }

    /** Queues every entry journalctl writes until its output ends. */
    private void readAll(InputStream output) throws IOException, InterruptedException {
        ExportParser parser = new ExportParser(output, READ_BUFFER_BYTES);
        String expected = resumeCursor;
        JournalEntry entry;
        while ((entry = parser.next()) != null) {
            String cursor = entry.cursor();
            if (cursor == null) {
                throw new ExportParser.MalformedExportException("an entry has no " + JournalEntry.CURSOR);
            }
            if (expected != null) {
                boolean found = expected.equals(cursor);
                if (!found) {
                    listener.cursorLost(expected, entry);
                }
                expected = null;
                if (found) {
                    continue;
                }
            }
            if (!queue.put(entry)) {
                return;
            }
            resumeCursor = cursor;
        }
    }

    /** Logs what journalctl writes to stderr and keeps it in {@code lines}, for the failure's reason. */
    private Thread drainErrors(Process child, List<String> lines) {
        Thread drainer = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    logger.warn("journalctl: {}", line);
                    synchronized (lines) {
                        lines.add(line);
                        if (lines.size() > STDERR_LINES_KEPT) {
                            lines.remove(0);
                        }
                    }
                }
            } catch (IOException e) {
                logger.debug("reading journalctl's errors ended", e);
            }
        }, thread.getName() + "-stderr");
        drainer.setDaemon(true);
        drainer.start();
        return drainer;
    }

    private static String lastLines(List<String> stderr) {
        synchronized (stderr) {
            if (stderr.isEmpty()) {
                return "";
            }
            return ": " + String.join(" / ", stderr);
        }
    }

    /** Stops reading: the thread ends, and journalctl with it. Returns at once. */
    void stop() {
        stopped.countDown();
        queue.close();
        Process child = process;
        if (child != null) {
            child.destroy();
        }
    }

    /** Stops, and waits until journalctl and every process it started are gone and the thread ended. */
    @Override
    public void close() throws InterruptedException {
        stop();
        end(process);
        thread.join(KILL_GRACE.toMillis() * 2);
    }

    /** Ends {@code child} and its descendants: SIGTERM, then SIGKILL after {@link #KILL_GRACE}; waits for them. */
    private static void end(Process child) {
        if (child == null) {
            return;
        }
        List<ProcessHandle> descendants = child.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        child.destroy();
        try {
            if (!child.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
                child.waitFor();
            }
            for (ProcessHandle descendant : descendants) {
                descendant.onExit().get(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The pid of the running journalctl, for tests; -1 when none runs. */
    long pid() {
        Process child = process;
        return child == null ? -1 : child.pid();
    }
}
