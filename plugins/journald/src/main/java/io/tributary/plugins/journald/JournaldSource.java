package io.tributary.plugins.journald;

import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Reads the systemd journal through {@code journalctl --follow -o export} (see {@link Journalctl})
 * and turns each entry into a record whose checkpoint is the entry's cursor, so a restarted source
 * resumes right after the last entry committed.
 *
 * <p>While journalctl fails (not installed, a folder it cannot read) the source is unhealthy with
 * journalctl's own message, and it retries with a backoff up to half a minute.
 */
public final class JournaldSource implements SourceTask {
    static final String JOURNALCTL = "journalctl";
    static final int MAX_ENTRIES_PER_POLL = 2000;
    /** With the largest poll, well under a third of the launcher's 128 MiB heap. */
    static final int QUEUE_MAX_ENTRIES = 10_000;
    static final long QUEUE_MAX_BYTES = 8L * 1024 * 1024;
    static final Duration LONGEST_WAIT_IN_POLL = Duration.ofSeconds(1);
    static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    static final Duration LONGEST_RETRY_DELAY = Duration.ofSeconds(30);
    /** A restarted journalctl that runs this long counts as recovered. */
    static final Duration HEALTHY_AFTER = Duration.ofSeconds(1);
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    private final JournaldConfig config;
    /** The source's YAML path, which {@link #check} problems start with. */
    private final String settingsPath;
    private final String executable;
    private final Duration firstRetryDelay;
    private final Clock clock;
    private final EntryQueue queue = new EntryQueue(QUEUE_MAX_ENTRIES, QUEUE_MAX_BYTES);
    private final EntryRecords records;
    private volatile boolean stopping;
    private SourceContext context;
    private Logger logger;
    private JournaldMetrics metrics;
    private Journalctl journalctl;
    /** Why journalctl last failed, while the source is unhealthy because of it. */
    private volatile String failure;
    private volatile Instant runningSince;

    JournaldSource(JournaldConfig config, String settingsPath, String executable, Duration firstRetryDelay, Clock clock) {
        this.config = config;
        this.settingsPath = settingsPath;
        this.executable = executable;
        this.firstRetryDelay = firstRetryDelay;
        this.clock = clock;
        this.records = new EntryRecords(config);
    }

    @Override
    public void start(SourceContext context) {
        this.context = context;
        this.logger = context.logger();
        this.metrics = new JournaldMetrics(context.metrics(), queue);
        Position committed = context.committedPositions().get(config.stream());
        String cursor = null;
        if (committed != null) {
            cursor = committed.get(EntryRecords.CURSOR_FIELD);
            if (cursor == null || cursor.isEmpty()) {
                throw new IllegalStateException("checkpoint of stream " + config.stream() + " has no field \""
                        + EntryRecords.CURSOR_FIELD + "\": " + committed);
            }
        }
        journalctl = new Journalctl(config, executable, cursor, queue, new Listener(), logger,
                "tributary-journald-" + context.sourceName(), firstRetryDelay, LONGEST_RETRY_DELAY);
        logger.info("source {}: reading the {} {}", context.sourceName(),
                config.directory() == null ? "system journal" : "journal files in " + config.directory(),
                cursor != null ? "after the committed cursor" : "from the " + config.readFrom().name().toLowerCase());
        journalctl.start();
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return List.of();
        }
        recoverHealth();
        List<JournalEntry> entries = queue.take(MAX_ENTRIES_PER_POLL, LONGEST_WAIT_IN_POLL.toMillis());
        if (entries.isEmpty()) {
            return List.of();
        }
        metrics.entriesRead.increment(entries.size());
        List<SourceRecord> batch = new ArrayList<>(entries.size());
        JournalEntry lastExcluded = null;
        for (JournalEntry entry : entries) {
            if (isExcluded(entry)) {
                metrics.entriesExcluded.increment();
                lastExcluded = entry;
            } else {
                batch.add(records.record(entry));
                lastExcluded = null;
            }
        }
        // The next record's checkpoint passes an excluded entry; at the end of a poll, one must carry it.
        if (lastExcluded != null) {
            batch.add(SourceRecord.checkpointOnly(records.checkpoint(lastExcluded)));
        }
        return batch;
    }

    private boolean isExcluded(JournalEntry entry) {
        if (config.excludeUnits().isEmpty()) {
            return false;
        }
        String unit = entry.text(JournalEntry.SYSTEMD_UNIT);
        return unit != null && config.excludeUnits().contains(unit);
    }

    private void recoverHealth() {
        Instant since = runningSince;
        if (failure != null && since != null && !clock.instant().isBefore(since.plus(HEALTHY_AFTER))) {
            logger.info("source {}: journalctl runs again", context.sourceName());
            failure = null;
            context.healthy();
        }
    }

    /**
     * Runs journalctl once, reading nothing, to check that it runs and can open the journal (or the
     * {@code directory}); meant for {@code tributary validate}.
     */
    @Override
    public List<String> check() {
        List<String> command = new ArrayList<>(List.of(executable, "--lines=0", "--quiet", "--no-pager"));
        String where = settingsPath;
        if (config.directory() != null) {
            command.add("--directory=" + config.directory());
            where = settingsPath + ".directory";
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // --lines=0 writes nothing but errors, and those are short: the pipe cannot fill up.
            if (!process.waitFor(CHECK_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return List.of(where + ": journalctl did not answer within " + CHECK_TIMEOUT.toSeconds() + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? List.of() : List.of(where + ": journalctl exited with code "
                    + process.exitValue() + (output.isEmpty() ? "" : ": " + output.replace('\n', ' ')));
        } catch (IOException e) {
            return List.of(settingsPath + ": cannot run " + executable + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(settingsPath + ": interrupted while running journalctl");
        }
    }

    @Override
    public void stop() {
        stopping = true;
        if (journalctl != null) {
            journalctl.stop();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (journalctl != null) {
            journalctl.close();
        }
    }

    /** The running journalctl's pid, for tests; -1 when none runs. */
    long journalctlPid() {
        return journalctl == null ? -1 : journalctl.pid();
    }

    private final class Listener implements Journalctl.Listener {
        @Override
        public void cursorLost(String cursor, JournalEntry next) {
            metrics.cursorsLost.increment();
            String time = EntryRecords.realtime(next);
            logger.warn("source {}: the journal no longer holds the entry of cursor {} (vacuumed while the agent was"
                    + " stopped, or the source's filters changed): entries between it and the oldest one still there"
                    + " are lost; reading on from {}{}", context.sourceName(), cursor, next.cursor(),
                    time == null ? "" : " of " + time);
        }

        @Override
        public void failed(String reason, Duration retryIn, Throwable cause) {
            metrics.journalctlRestarts.increment();
            runningSince = null;
            String message = "source " + context.sourceName() + ": " + reason;
            if (!message.equals(failure)) {
                logger.warn("{}; starting it again in {} ms, at the last cursor read", message, retryIn.toMillis(), cause);
            } else {
                logger.debug("{}; starting it again in {} ms", message, retryIn.toMillis());
            }
            failure = message;
            context.unhealthy(message);
        }

        @Override
        public void running() {
            runningSince = clock.instant();
        }
    }
}
