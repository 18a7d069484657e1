package io.tributary.plugins.file;

import io.tributary.api.PluginClock;
import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import io.tributary.plugins.file.TrackedFile.Gone;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Tails the files of a {@code file} source: finds them by glob, knows each by a fingerprint of its
 * first bytes, follows it through renames, copytruncate and truncation, and hands over its lines
 * with checkpoints in bytes.
 *
 * <p>The work is shared out: a {@link FileTracker} finds files (helped by a {@link FileWatcher}) and
 * knows their identity, a {@link LineReader} cuts their bytes into lines, a {@link ContainerLogDecoder}
 * decodes container runtimes' lines when {@code format} says so, a {@link MultilineAssembler} joins
 * lines into events when {@code multiline} is set, and a {@link PollOutput} turns them into one poll's
 * records. Time comes from the context's {@link io.tributary.api.PluginClock}.
 *
 * <p>Everything is read inside {@link #poll}, at most {@value PollOutput#MAX_POLL_RECORDS} records or
 * {@value PollOutput#MAX_POLL_BYTES} bytes per call, so a paused agent pauses reading and memory stays
 * bounded.
 */
public final class FileSource implements SourceTask {
    /** How long an idle poll waits before looking at the files again: what a new line waits to be seen. */
    static final Duration IDLE_WAIT = Duration.ofMillis(10);

    private final FileSourceConfig config;
    private final FileTracker.FileOpener opener;
    private volatile boolean stopping;
    private volatile Thread taskThread;

    private PluginClock clock;
    private FileMetrics metrics;
    private PollOutput output;
    private LineReader reader;
    private MultilineAssembler multiline;
    private volatile FileTracker tracker;
    private int cursor;

    FileSource(FileSourceConfig config) {
        this(config, path -> config.decompressGzip() && GzipChannel.isGzip(path) ? GzipChannel.open(path)
                : FileChannel.open(path, StandardOpenOption.READ));
    }

    FileSource(FileSourceConfig config, FileTracker.FileOpener opener) {
        this.config = config;
        this.opener = opener;
    }

    @Override
    public void start(SourceContext context) {
        clock = context.clock();
        metrics = new FileMetrics(context.metrics());
        output = new PollOutput(new LineRecords(config, context.sourceName(), metrics));
        LineSink sink = output;
        if (config.multiline() != null) {
            multiline = new MultilineAssembler(config, output, metrics, clock::nanoTime);
            sink = multiline;
        }
        if (config.format() != FileSourceConfig.Format.LINES) {
            sink = new ContainerLogDecoder(config, sink, metrics);
        }
        reader = new LineReader(config, sink, metrics);
        tracker = new FileTracker(config, opener, context, metrics, output, reader::flushHeld, clock);
        taskThread = Thread.currentThread();
    }

    @Override
    public List<SourceRecord> poll() throws IOException {
        if (stopping) {
            // Lines not yet handed over stay in the file; the next task reads them from the checkpoint.
            return List.of();
        }
        tracker.scanIfDue();
        readFiles();
        checkTimers();
        reader.publishCounts();
        List<SourceRecord> out = output.finish();
        if (out.isEmpty() && !stopping) {
            LockSupport.parkNanos(this, Math.max(1_000_000, Math.min(IDLE_WAIT.toNanos(), tracker.nanosUntilScan())));
        }
        return out;
    }

    @Override
    public void committed(Map<String, Position> positions) {
        tracker.committed(positions);
    }

    @Override
    public void stop() {
        stopping = true;
        Thread thread = taskThread;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void close() throws IOException {
        if (tracker != null) {
            tracker.close();
        }
    }

    /** Reads the open files in turns, one buffer each, until they have nothing new or the poll is full. */
    private void readFiles() throws IOException {
        List<TrackedFile> open = tracker.files().stream().filter(TrackedFile::isOpen).toList();
        if (open.isEmpty()) {
            return;
        }
        int first = Math.floorMod(cursor++, open.size());
        boolean progress = true;
        while (progress && !output.exhausted()) {
            progress = false;
            for (int i = 0; i < open.size() && !output.exhausted(); i++) {
                TrackedFile file = open.get((first + i) % open.size());
                if (file.isOpen() && readChunk(file)) {
                    progress = true;
                }
            }
        }
    }

    /** Reads one buffer of {@code file}; true when it consumed bytes or was found truncated. */
    private boolean readChunk(TrackedFile file) throws IOException {
        if (file.isProvisional()) {
            tracker.upgradeIfLongEnough(file);
        }
        LineReader.Read read = reader.read(file, output, clock.nanoTime());
        if (read.truncation() != null) {
            tracker.truncated(file, read.truncation());
            return true;
        }
        return read.consumed();
    }

    /** Sends multiline events that timed out, and closes or lets go of files that went quiet. */
    private void checkTimers() throws IOException {
        long now = clock.nanoTime();
        long deletedBytes = 0;
        for (TrackedFile file : List.copyOf(tracker.files())) {
            if (!file.isOpen()) {
                continue;
            }
            if (multiline != null) {
                multiline.flushIfTimedOut(file, now);
            }
            long idle = now - file.lastChangeNanos();
            Duration quiet = switch (file.gone()) {
                case NO, RENAMED -> config.closeInactive();
                case DELETED -> config.scanInterval();
            };
            if (idle >= quiet.toNanos() && file.isCaughtUp()) {
                reader.flushRest(file);
                tracker.inactive(file);
            }
            if (file.isOpen() && file.gone() == Gone.DELETED) {
                deletedBytes += file.lastSize();
            }
        }
        metrics.deletedOpenBytes.set(deletedBytes);
    }
}
