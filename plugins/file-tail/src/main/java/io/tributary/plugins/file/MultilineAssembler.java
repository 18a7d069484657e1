package io.tributary.plugins.file;

import io.tributary.plugins.file.FileSourceConfig.Multiline;
import java.nio.charset.Charset;
import java.util.function.LongSupplier;

/**
 * Joins a file's lines into multiline events as {@code multiline} says, and hands each event to the
 * poll's records once the next one begins, it is full, or it waited for {@code multiline.timeout}.
 * The event being assembled stays with its {@link TrackedFile}: its checkpoint never passes the
 * event's first line.
 */
final class MultilineAssembler implements LineSink {
    private final Multiline multiline;
    private final Charset encoding;
    private final int maxLineBytes;
    private final PollOutput output;
    private final FileMetrics metrics;
    /** The source's monotonic time in nanoseconds. */
    private final LongSupplier nanoTime;

    MultilineAssembler(FileSourceConfig config, PollOutput output, FileMetrics metrics, LongSupplier nanoTime) {
        this.multiline = config.multiline();
        this.encoding = config.encoding();
        this.maxLineBytes = config.maxLineBytes();
        this.output = output;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
    }

    @Override
    public void line(TrackedFile file, byte[] source, int from, int to, long startOffset, long endOffset, long tailHash,
                     int flags, ContainerFields fields) {
        if ((flags & LineRecords.SPLIT) != 0) {
            // Pieces of a split line go out alone: joining them with newlines would change the line.
            flush(file);
            output.line(file, source, from, to, startOffset, endOffset, tailHash, flags, fields);
            return;
        }
        boolean startsEvent = multiline.startsEvent(new String(source, from, to - from, encoding));
        long now = nanoTime.getAsLong();
        PendingEvent pending = file.pending();
        if (pending != null) {
            boolean full = pending.lines() >= multiline.maxLines() || pending.lengthWith(to - from) > maxLineBytes;
            if (!startsEvent && !full) {
                pending.append(source, from, to, endOffset, tailHash, flags, now);
                return;
            }
            if (!startsEvent) {
                metrics.multilineCut.increment();
            }
            flush(file);
        }
        file.pending(new PendingEvent(source, from, to, startOffset, endOffset, tailHash, flags, fields, now));
    }

    /** Hands over the event being assembled of {@code file}, if any. */
    @Override
    public void flush(TrackedFile file) {
        PendingEvent pending = file.takePending();
        if (pending != null) {
            output.record(file, pending.toBytes(), pending.startOffset(), pending.endOffset(), pending.endTailHash(),
                    pending.flags(), pending.fields());
        }
    }

    /** Hands over the event being assembled of {@code file} when no line joined it for {@code multiline.timeout}. */
    void flushIfTimedOut(TrackedFile file, long nowNanos) {
        PendingEvent pending = file.pending();
        if (pending != null && nowNanos - pending.lastAppendNanos() >= multiline.timeout().toNanos()) {
            flush(file);
        }
    }
}
