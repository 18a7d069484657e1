package io.tributary.plugins.file;

import io.tributary.api.PluginMetrics;
import io.tributary.api.PluginMetrics.Counter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The metrics of one file source; names start with the source type, {@code file.}. */
final class FileMetrics {
    final Counter linesRead;
    final Counter bytesRead;
    final Counter linesSplit;
    final Counter linesTruncated;
    final Counter linesPartial;
    final Counter multilineCut;
    final Counter keyUnmatched;
    final Counter rotations;
    final Counter truncations;
    final Counter containerInvalid;
    final AtomicLong openFiles = new AtomicLong();
    final AtomicLong deletedOpenBytes = new AtomicLong();
    private final PluginMetrics metrics;

    FileMetrics(PluginMetrics metrics) {
        this.metrics = metrics;
        linesRead = metrics.counter("file.lines.read", "Lines read (each piece of a split line counts)");
        bytesRead = metrics.counter("file.bytes.read", "Bytes read from files, terminators included");
        linesSplit = metrics.counter("file.lines.split", "Lines longer than max_line_bytes, split into pieces");
        linesTruncated = metrics.counter("file.lines.truncated", "Lines longer than max_line_bytes, cut to it");
        linesPartial = metrics.counter("file.lines.partial",
                "Last lines without a newline, sent because the file went inactive or away");
        multilineCut = metrics.counter("file.multiline.cut",
                "Multiline events sent early because they reached max_lines or max_line_bytes");
        keyUnmatched = metrics.counter("file.key.unmatched", "Records sent without a key: key.pattern did not match");
        rotations = metrics.counter("file.rotations", "Files renamed, removed from the globs or copied by copytruncate");
        containerInvalid = metrics.counter("file.container.invalid",
                "Lines not in the container log format (format: cri or docker), sent as they are");
        truncations = metrics.counter("file.truncations", "Files found truncated or rewritten, read again from 0");
        metrics.gauge("file.open", "Files held open", openFiles::get);
        metrics.gauge("file.deleted_open.bytes", "Bytes of deleted files still held open until read and committed",
                deletedOpenBytes::get);
    }

    /** Registers the gauge of files found but not opened, as max_open_files were open. */
    void waiting(Supplier<Number> waiting) {
        metrics.gauge("file.waiting", "Files found but not opened: max_open_files files are open and none is idle",
                waiting);
    }
}
