package io.tributary.plugins.file;

import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import io.tributary.plugins.file.FileSourceConfig.MaxLineAction;
import io.tributary.plugins.file.FileSourceConfig.Multiline;
import io.tributary.plugins.file.FileSourceConfig.ReadFrom;
import io.tributary.plugins.file.TrackedFile.Gone;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;

/**
 * Tails the files of a {@code file} source: finds them by glob, knows each by a fingerprint of its
 * first bytes, follows it through renames, copytruncate and truncation, and hands over its lines
 * with checkpoints in bytes.
 *
 * <p>Everything is read inside {@link #poll}, at most {@value #MAX_POLL_RECORDS} records or
 * {@value #MAX_POLL_BYTES} bytes per call, so a paused agent pauses reading and memory stays bounded.
 */
public final class FileSource implements SourceTask {
    static final int MAX_POLL_RECORDS = 5000;
    static final int MAX_POLL_BYTES = 1024 * 1024;
    /** How long an idle poll waits before looking at the files again: what a new line waits to be seen. */
    static final Duration IDLE_WAIT = Duration.ofMillis(10);
    private static final int MIN_READ_BUFFER_BYTES = 256 * 1024;
    /** How far back from the end read_from: end looks for the last complete line. */
    private static final int END_SEARCH_BYTES = 64 * 1024;
    private static final Path OPEN_FILE_DESCRIPTORS = Path.of("/proc/self/fd");

    /** Opens a file to read it; a seam for tests, which land a rename between a scan's stat and an open. */
    interface FileOpener {
        FileChannel open(Path path) throws IOException;
    }

    /**
     * A checkpoint with no file holding it yet: restored at start, or left by a file let go or
     * truncated. One left by a truncated or rewritten file waits for its copy (copytruncate): through
     * scan {@code reservedThroughScan}, its original may not take its stream back.
     */
    private record Unclaimed(FileCheckpoint checkpoint, long sinceMillis, boolean leftByTruncation,
                             long reservedThroughScan) {

        static Unclaimed restored(FileCheckpoint checkpoint, long nowMillis) {
            return new Unclaimed(checkpoint, nowMillis, false, -1);
        }

        static Unclaimed leftByTruncation(FileCheckpoint checkpoint, long sinceMillis, long scan) {
            return new Unclaimed(checkpoint, sinceMillis, true, scan + 1);
        }
    }

    /** The checkpoint a file found by a scan resumes from, the stream it was under, and where it resumes. */
    private record Claim(String stream, Unclaimed unclaimed, long offset) {
    }

    /** The last line of the run of one stream's lines ending this poll's records, and the checkpoint after it. */
    private record RunEnd(int index, String stream, FileCheckpoint checkpoint) {
    }

    /** A file matched by a scan; files tracked or named by a checkpoint's inode are handled first. */
    private record Found(Path path, FileKey.Stat stat, int pass) {
    }

    /** What one poll may still hand over. */
    private static final class Budget {
        private int records;
        private long bytes;

        boolean exhausted() {
            return records >= MAX_POLL_RECORDS || bytes >= MAX_POLL_BYTES;
        }
    }

    private final FileSourceConfig config;
    private final FileOpener opener;
    private final Globs globs;
    private final boolean utf8;
    private final Map<FileKey, TrackedFile> tracked = new LinkedHashMap<>();
    /** Sorted, so that the checkpoints of the files beginning with the same bytes are found by prefix. */
    private final NavigableMap<String, Unclaimed> unclaimed = new TreeMap<>();
    /** Files skipped by ignore_older, with their size then: read from there once they change. */
    private final Map<FileKey, Long> ignoredOld = new HashMap<>();
    /** Files held back as the copytruncate copy of a file being read, already logged. */
    private final Set<FileKey> heldBackCopies = new HashSet<>();
    private final Map<String, Long> committedOffsets = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile Thread taskThread;

    private SourceContext context;
    private Logger log;
    private FileMetrics metrics;
    private LineRecords records;
    private ByteBuffer buffer;
    /** The file whose bytes the buffer holds, from file offset {@link #chunkBase}; null when none. */
    private TrackedFile chunkFile;
    private long chunkBase;
    private int chunkLength;
    private boolean scannedOnce;
    /** The source ran before: it has committed checkpoints, so read_from: end no longer applies. */
    private boolean resumed;
    private long scans;
    private long nextScanNanos;
    private RunEnd runEnd;
    private int cursor;
    private long linesRead;
    private long bytesRead;
    private String unhealthyReason;

    FileSource(FileSourceConfig config) {
        this(config, path -> FileChannel.open(path, StandardOpenOption.READ));
    }

    FileSource(FileSourceConfig config, FileOpener opener) {
        this.config = config;
        this.opener = opener;
        this.globs = new Globs(config.include(), config.exclude());
        this.utf8 = config.encoding().equals(StandardCharsets.UTF_8);
    }

    @Override
    public void start(SourceContext context) {
        this.log = context.logger();
        this.metrics = new FileMetrics(context.metrics());
        this.records = new LineRecords(config, context.sourceName(), metrics);
        this.context = context;
        long now = System.currentTimeMillis();
        resumed = !context.committedPositions().isEmpty();
        context.committedPositions().forEach((stream, position) -> {
            FileCheckpoint checkpoint = FileCheckpoint.parse(stream, position);
            unclaimed.put(stream, Unclaimed.restored(checkpoint, now));
            committedOffsets.put(stream, checkpoint.offset());
        });
        buffer = ByteBuffer.allocate(Math.max(MIN_READ_BUFFER_BYTES,
                config.maxLineBytes() + FileCheckpoint.TAIL_CHECK_BYTES + 2));
        taskThread = Thread.currentThread();
        nextScanNanos = System.nanoTime();
    }

    @Override
    public List<SourceRecord> poll() throws IOException {
        if (stopping) {
            // Lines not yet handed over stay in the file; the next task reads them from the checkpoint.
            return List.of();
        }
        List<SourceRecord> out = new ArrayList<>();
        runEnd = null;
        long now = System.nanoTime();
        if (now - nextScanNanos >= 0) {
            nextScanNanos = now + config.scanInterval().toNanos();
            scan(out);
        }
        readFiles(out);
        checkTimers(out);
        endRun(out);
        publishCounts();
        if (out.isEmpty() && !stopping) {
            long untilScan = nextScanNanos - System.nanoTime();
            LockSupport.parkNanos(this, Math.max(1_000_000, Math.min(IDLE_WAIT.toNanos(), untilScan)));
        }
        return out;
    }

    /**
     * Gives the last line of the run of one stream's lines at the end of {@code out} the checkpoint
     * after it. Only that one: building a checkpoint per line is most of the cost of a short line. But
     * one per run, not per poll: with {@code on_error: fail} the agent commits a poll up to its last
     * record with a checkpoint before the one it cannot write, and the lines of a run cut there must
     * not be committed without their checkpoint.
     */
    private void endRun(List<SourceRecord> out) {
        if (runEnd != null) {
            out.set(runEnd.index(), out.get(runEnd.index())
                    .withCheckpoint(new Checkpoint(runEnd.stream(), runEnd.checkpoint().toPosition())));
            runEnd = null;
        }
    }

    @Override
    public void committed(Map<String, Position> positions) {
        positions.forEach((stream, position) -> committedOffsets.put(stream, position.getLong("offset")));
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
        IOException failure = null;
        for (TrackedFile file : tracked.values()) {
            try {
                file.closeChannel();
            } catch (IOException e) {
                failure = e;
            }
        }
        tracked.clear();
        if (metrics != null) {
            metrics.openFiles.set(0);
            metrics.deletedOpenBytes.set(0);
        }
        if (failure != null) {
            throw failure;
        }
    }


    private void scan(List<SourceRecord> out) throws IOException {
        scans++;
        long nowMillis = System.currentTimeMillis();
        Set<FileKey> seen = new HashSet<>();
        List<String> unreadable = new ArrayList<>();
        Set<FileKey> checkpointed = new HashSet<>();
        unclaimed.values().forEach(left -> checkpointed.add(left.checkpoint().key()));
        List<Found> found = new ArrayList<>();
        for (Path path : globs.matchingFiles()) {
            FileKey.Stat stat;
            try {
                stat = FileKey.stat(path);
            } catch (IOException vanished) {
                continue;
            }
            if (!stat.regularFile()) {
                continue;
            }
            seen.add(stat.key());
            int pass = tracked.containsKey(stat.key()) ? 0 : checkpointed.contains(stat.key()) ? 1 : 2;
            found.add(new Found(path, stat, pass));
        }
        // A file claims the checkpoint of its own inode before a copy or a file beginning alike can.
        found.sort(Comparator.comparingInt(Found::pass));
        for (Found file : found) {
            try {
                TrackedFile known = tracked.get(file.stat().key());
                if (known != null) {
                    follow(known, file.path(), file.stat());
                } else {
                    discover(file.path(), file.stat(), nowMillis, out);
                }
            } catch (IOException e) {
                unreadable.add(file.path() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
        for (TrackedFile file : List.copyOf(tracked.values())) {
            if (!seen.contains(file.key)) {
                lost(file, nowMillis);
            }
        }
        classifyGoneFiles();
        ignoredOld.keySet().retainAll(seen);
        heldBackCopies.retainAll(seen);
        forgetExpired(nowMillis, out);
        reportHealth(unreadable);
        scannedOnce = true;
    }

    /** A file already tracked, found again by its inode: maybe renamed, maybe changed while closed. */
    private void follow(TrackedFile file, Path path, FileKey.Stat stat) throws IOException {
        if (!file.path.equals(path)) {
            metrics.rotations.increment();
            log.info("{} was renamed to {}", file.path, path);
            file.setPath(path);
        }
        file.gone = Gone.NO;
        if (!file.isOpen() && stat.size() != file.readOffset) {
            reopen(file);
        }
    }

    /** Opens a file closed by close_inactive again; false when another file took its path since the scan. */
    private boolean reopen(TrackedFile file) throws IOException {
        FileChannel channel = openAs(file.path, file.key);
        if (channel == null) {
            return false;
        }
        file.reopened(channel);
        metrics.openFiles.incrementAndGet();
        return true;
    }

    /**
     * Opens {@code path} if it is still the file {@code key}: a rename between the scan's stat and the
     * open would have the one file read under the other's identity. Null then: the next scan sorts it out.
     */
    private FileChannel openAs(Path path, FileKey key) throws IOException {
        FileChannel channel = opener.open(path);
        FileKey opened;
        try {
            opened = FileKey.stat(path).key();
        } catch (IOException vanished) {
            opened = null;
        }
        if (key.equals(opened)) {
            return channel;
        }
        channel.close();
        log.debug("{} was replaced while it was opened: left to the next scan", path);
        return null;
    }

    /** A tracked file no longer found by the globs: renamed away or deleted. */
    private void lost(TrackedFile file, long nowMillis) throws IOException {
        if (!file.isOpen()) {
            release(file, nowMillis);
            return;
        }
        if (file.gone == Gone.NO) {
            file.gone = Gone.RENAMED;
            metrics.rotations.increment();
            log.info("{} is gone from the globs: reading it to its end before letting it go", file.path);
        }
    }

    /** Tells deleted from renamed-away files by their link count, read through /proc/self/fd. */
    private void classifyGoneFiles() {
        List<TrackedFile> gone = tracked.values().stream().filter(file -> file.gone != Gone.NO).toList();
        if (gone.isEmpty()) {
            return;
        }
        Map<FileKey, Long> linkCounts = openFileLinkCounts();
        for (TrackedFile file : gone) {
            Long links = linkCounts.get(file.key);
            Gone now = links != null && links == 0 ? Gone.DELETED : Gone.RENAMED;
            if (now != file.gone) {
                file.gone = now;
                log.info("{} was {}", file.path, now == Gone.DELETED ? "deleted" : "renamed away");
            }
        }
    }

    private static Map<FileKey, Long> openFileLinkCounts() {
        Map<FileKey, Long> counts = new HashMap<>();
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(OPEN_FILE_DESCRIPTORS)) {
            for (Path descriptor : descriptors) {
                try {
                    Map<String, Object> attributes = Files.readAttributes(descriptor, "unix:dev,ino,nlink");
                    counts.put(new FileKey((Long) attributes.get("dev"), (Long) attributes.get("ino")),
                            ((Number) attributes.get("nlink")).longValue());
                } catch (IOException | UnsupportedOperationException | ClassCastException notAFile) {
                    continue;
                }
            }
        } catch (IOException | UnsupportedOperationException noProc) {
            return counts;
        }
        return counts;
    }

    /**
     * A file not tracked yet: finds its identity and where to start reading it. It resumes from the
     * checkpoint of its own stream (same beginning, same inode); a file that holds nothing but what a
     * tracked file beginning alike holds is a copytruncate copy, held back until that one is
     * truncated; then it takes over the position the truncated file left. Anything else is a new file.
     */
    private void discover(Path path, FileKey.Stat stat, long nowMillis, List<SourceRecord> out) throws IOException {
        Long sizeWhenIgnored = ignoredOld.get(stat.key());
        if (sizeWhenIgnored != null && sizeWhenIgnored == stat.size()) {
            return;
        }
        FileKey key = stat.key();
        FileChannel channel = openAs(path, key);
        if (channel == null) {
            return;
        }
        boolean kept = false;
        try {
            long size = channel.size();
            Long fingerprint = fingerprint(channel, size);
            String provisional = key.streamName();
            String own = fingerprint == null ? provisional : FileCheckpoint.fingerprintStream(fingerprint, key);
            Unclaimed ownCheckpoint = unclaimed.get(own);
            Unclaimed provisionalCheckpoint = own.equals(provisional) ? null : unclaimed.get(provisional);
            String mismatched = null;
            Claim claim = null;
            if (ownCheckpoint != null) {
                claim = claimIfSameBytes(own, ownCheckpoint, channel, size);
                if (claim == null) {
                    mismatched = own;
                    if (fingerprint != null && !ownCheckpoint.leftByTruncation()) {
                        // The file was rewritten under this inode: what was read of it may be in a copy.
                        unclaimed.put(own, Unclaimed.leftByTruncation(ownCheckpoint.checkpoint(),
                                ownCheckpoint.sinceMillis(), scans));
                    }
                }
            }
            if (provisionalCheckpoint != null && claim == null) {
                claim = claimIfSameBytes(provisional, provisionalCheckpoint, channel, size);
                mismatched = claim == null && mismatched == null ? provisional : mismatched;
            }
            if (claim == null && fingerprint != null) {
                TrackedFile original = originalOf(channel, size, fingerprint, out);
                if (original != null) {
                    if (heldBackCopies.add(key)) {
                        log.info("{} holds only what {}, which begins with the same {} bytes, holds: taken as its copy"
                                + " (copytruncate), read once that one is truncated", path, original.path,
                                config.fingerprintBytes());
                    }
                    return;
                }
                claim = positionLeftForACopy(channel, size, fingerprint, key);
            }
            heldBackCopies.remove(key);
            boolean hadCheckpoint = ownCheckpoint != null || provisionalCheckpoint != null;
            if (claim == null && !hadCheckpoint && isIgnoredAsOld(stat, nowMillis)) {
                ignoredOld.put(key, size);
                log.debug("{} was not modified within ignore_older: skipped", path);
                return;
            }
            long offset = claim != null ? claim.offset() : newFileOffset(channel, size, sizeWhenIgnored);
            if (claim != null) {
                unclaimed.remove(claim.stream());
            }
            String stream = claim != null && claim.stream().equals(own) ? own : streamFor(fingerprint, key);
            unclaimed.remove(stream);
            if (claim != null && !claim.unclaimed().checkpoint().key().equals(key)) {
                metrics.rotations.increment();
                log.info("{} is a copy of {}, which was truncated (copytruncate): reading it from byte {}", path,
                        claim.unclaimed().checkpoint().path(), offset);
            } else if (claim == null && mismatched != null) {
                log.info("{} does not match the checkpoint of stream {} any more: reading it as a new file", path, mismatched);
            }
            TrackedFile file = new TrackedFile(key, stream, path, channel, offset, System.nanoTime());
            file.fingerprint = fingerprint;
            int tail = file.tailLength();
            byte[] before = TrackedFile.readAt(channel, offset - tail, tail);
            System.arraycopy(before, 0, file.tailBytes, 0, before.length);
            file.emittedTailHash = Hashing.hash(before, 0, before.length);
            tracked.put(key, file);
            metrics.openFiles.incrementAndGet();
            kept = true;
            log.info("reading {} from byte {} as stream {}", path, offset, stream);
            boolean resumedAsIs = claim != null && claim.stream().equals(stream)
                    && offset == claim.unclaimed().checkpoint().offset();
            if (!resumedAsIs && (offset > 0 || claim != null || hadCheckpoint)) {
                out.add(checkpointOnly(file, offset, file.emittedTailHash));
            }
            // After the checkpoint of its stream: a crash between the two leaves the file known under one of them.
            if (claim != null && !claim.stream().equals(stream)) {
                forget(claim.stream(), out);
            }
            boolean provisionalForgotten = claim != null && claim.stream().equals(provisional);
            if (provisionalCheckpoint != null && !provisional.equals(stream) && !provisionalForgotten) {
                forget(provisional, out);
            }
        } finally {
            if (!kept) {
                channel.close();
            }
        }
    }

    /** The hash of the file's first fingerprint_bytes; null while it is shorter. */
    private Long fingerprint(FileChannel channel, long size) throws IOException {
        if (size < config.fingerprintBytes()) {
            return null;
        }
        byte[] head = TrackedFile.readAt(channel, 0, config.fingerprintBytes());
        if (head.length < config.fingerprintBytes()) {
            return null;
        }
        return Hashing.hash(head, 0, head.length);
    }

    /**
     * The stream a file takes: its fingerprint stream, or while it is shorter its provisional one.
     * Also the provisional one while its fingerprint stream holds a position waiting for a copy: the
     * file was rewritten with the same first bytes, and takes its stream once the copy had its chance.
     */
    private String streamFor(Long fingerprint, FileKey key) {
        if (fingerprint != null) {
            String stream = FileCheckpoint.fingerprintStream(fingerprint, key);
            if (!isReservedForACopy(stream)) {
                return stream;
            }
        }
        return key.streamName();
    }

    private boolean isReservedForACopy(String stream) {
        Unclaimed left = unclaimed.get(stream);
        return left != null && left.leftByTruncation() && scans <= left.reservedThroughScan();
    }

    /**
     * The tracked file beginning with the same bytes that the file of {@code channel} is a copy of:
     * it holds no more than that one, and the same bytes up to its end. Such a file that turns out
     * truncated is handled as such first, so that its copy can take over its position.
     */
    private TrackedFile originalOf(FileChannel channel, long size, long fingerprint, List<SourceRecord> out)
            throws IOException {
        for (TrackedFile file : List.copyOf(tracked.values())) {
            if (file.fingerprint == null || file.fingerprint != fingerprint) {
                continue;
            }
            try {
                if (!file.isOpen() && !reopen(file)) {
                    continue;
                }
            } catch (IOException vanished) {
                continue;
            }
            String truncation = truncation(file);
            if (truncation != null) {
                truncated(file, out, truncation);
            } else if (size <= file.channel.size()
                    && Arrays.equals(bytesBefore(channel, size), bytesBefore(file.channel, size))) {
                return file;
            }
        }
        return null;
    }

    /** Why {@code file} must be read again from 0, or null: it is shorter than what was read, or those bytes changed. */
    private static String truncation(TrackedFile file) throws IOException {
        long size = file.channel.size();
        if (size < file.readOffset) {
            return "its size " + size + " is below the offset read, " + file.readOffset;
        }
        int tail = file.tailLength();
        byte[] before = TrackedFile.readAt(file.channel, file.readOffset - tail, tail);
        return Arrays.equals(before, 0, before.length, file.tailBytes, 0, tail) ? null
                : "the bytes before offset " + file.readOffset + " changed";
    }

    private static byte[] bytesBefore(FileChannel channel, long offset) throws IOException {
        int length = (int) Math.min(offset, FileCheckpoint.TAIL_CHECK_BYTES);
        return TrackedFile.readAt(channel, offset - length, length);
    }

    /**
     * The position of another inode beginning with the same bytes that the file of {@code channel}
     * continues: one it holds the same bytes before; or, when that file was truncated or rewritten,
     * one past its end (a copy finished before the end read from the original: none of it is new).
     */
    private Claim positionLeftForACopy(FileChannel channel, long size, long fingerprint, FileKey key) throws IOException {
        String prefix = FileCheckpoint.fingerprintPrefix(fingerprint);
        Claim pastItsEnd = null;
        for (Map.Entry<String, Unclaimed> left : unclaimed.subMap(prefix, prefix + Character.MAX_VALUE).entrySet()) {
            FileCheckpoint checkpoint = left.getValue().checkpoint();
            if (checkpoint.key().equals(key)) {
                continue;
            }
            Claim claim = claimIfSameBytes(left.getKey(), left.getValue(), channel, size);
            if (claim != null) {
                return claim;
            }
            if (pastItsEnd == null && checkpoint.offset() > size && isLeftByRewrite(left.getKey(), left.getValue())) {
                pastItsEnd = new Claim(left.getKey(), left.getValue(), size);
            }
        }
        return pastItsEnd;
    }

    /** True when the file that held this position was truncated, or is now tracked under another stream. */
    private boolean isLeftByRewrite(String stream, Unclaimed left) {
        TrackedFile original = tracked.get(left.checkpoint().key());
        return left.leftByTruncation() || original != null && !original.stream.equals(stream);
    }

    /** A claim of {@code unclaimed} when the file holds the bytes its checkpoint saw before its offset. */
    private static Claim claimIfSameBytes(String stream, Unclaimed unclaimed, FileChannel channel, long size)
            throws IOException {
        FileCheckpoint checkpoint = unclaimed.checkpoint();
        if (checkpoint.offset() <= size && TrackedFile.tailHashAt(channel, checkpoint.offset()) == checkpoint.tailHash()) {
            return new Claim(stream, unclaimed, checkpoint.offset());
        }
        return null;
    }

    private boolean isIgnoredAsOld(FileKey.Stat stat, long nowMillis) {
        return config.ignoreOlder() != null && nowMillis - stat.modifiedMillis() > config.ignoreOlder().toMillis();
    }

    private long newFileOffset(FileChannel channel, long size, Long sizeWhenIgnored) throws IOException {
        if (sizeWhenIgnored != null) {
            return Math.min(sizeWhenIgnored, size);
        }
        if (scannedOnce || resumed || config.readFrom() == ReadFrom.BEGINNING) {
            // Files appearing while running, or while a source that ran before was stopped, are new:
            // from their start, or a rotation would lose lines.
            return 0;
        }
        int length = (int) Math.min(size, END_SEARCH_BYTES);
        byte[] end = TrackedFile.readAt(channel, size - length, length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] == '\n') {
                return size - length + i + 1;
            }
        }
        return size > END_SEARCH_BYTES ? size : 0;
    }

    private void forgetExpired(long nowMillis, List<SourceRecord> out) {
        if (config.ignoreOlder() == null) {
            return;
        }
        for (Iterator<Map.Entry<String, Unclaimed>> it = unclaimed.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Unclaimed> entry = it.next();
            if (nowMillis - entry.getValue().sinceMillis() > config.ignoreOlder().toMillis()) {
                it.remove();
                forget(entry.getKey(), out);
                log.info("forgot stream {} ({}): not seen for longer than ignore_older", entry.getKey(),
                        entry.getValue().checkpoint().path());
            }
        }
    }

    private void reportHealth(List<String> unreadable) {
        String reason = unreadable.isEmpty() ? null
                : "cannot read " + unreadable.get(0) + (unreadable.size() > 1 ? " and " + (unreadable.size() - 1) + " more" : "");
        if (reason != null && !reason.equals(unhealthyReason)) {
            log.warn(reason);
            context.unhealthy(reason);
        } else if (reason == null && unhealthyReason != null) {
            context.healthy();
        }
        unhealthyReason = reason;
    }


    private void readFiles(List<SourceRecord> out) throws IOException {
        List<TrackedFile> open = tracked.values().stream().filter(TrackedFile::isOpen).toList();
        if (open.isEmpty()) {
            return;
        }
        int first = Math.floorMod(cursor++, open.size());
        Budget budget = new Budget();
        boolean progress = true;
        while (progress && !budget.exhausted()) {
            progress = false;
            for (int i = 0; i < open.size() && !budget.exhausted(); i++) {
                TrackedFile file = open.get((first + i) % open.size());
                if (file.isOpen() && readChunk(file, out, budget)) {
                    progress = true;
                }
            }
        }
    }

    /** Reads one buffer of {@code file} into records; true when it consumed bytes. */
    private boolean readChunk(TrackedFile file, List<SourceRecord> out, Budget budget) throws IOException {
        long size = file.channel.size();
        if (size != file.lastSize) {
            file.lastSize = size;
            file.lastChangeNanos = System.nanoTime();
        }
        if (size < file.readOffset) {
            truncated(file, out, "its size " + size + " is below the offset read, " + file.readOffset);
            return true;
        }
        if (file.isProvisional() && size >= config.fingerprintBytes()) {
            upgrade(file, out);
        }
        if (size == file.readOffset || size == file.scannedSize) {
            return false;
        }
        int check = file.tailLength();
        long base = file.readOffset - check;
        buffer.clear().limit((int) Math.min(buffer.capacity(), size - base));
        while (buffer.hasRemaining() && file.channel.read(buffer, base + buffer.position()) >= 0) {
            continue;
        }
        int length = buffer.position();
        byte[] bytes = buffer.array();
        if (length < check || !Arrays.equals(bytes, 0, check, file.tailBytes, 0, check)) {
            truncated(file, out, "the bytes before offset " + file.readOffset + " changed");
            return true;
        }
        chunkFile = file;
        chunkBase = base;
        chunkLength = length;
        int position;
        try {
            position = scanLines(file, bytes, check, length, out, budget);
        } finally {
            chunkFile = null;
        }
        bytesRead += position - check;
        file.readOffset = base + position;
        int tail = file.tailLength();
        System.arraycopy(bytes, position - tail, file.tailBytes, 0, tail);
        if (!budget.exhausted() && base + length == size) {
            file.scannedSize = size;
        }
        return position > check;
    }

    /** Hands over the complete lines in {@code bytes[from, length)}; returns where the unread rest begins. */
    private int scanLines(TrackedFile file, byte[] bytes, int from, int length, List<SourceRecord> out, Budget budget)
            throws IOException {
        int maxLineBytes = config.maxLineBytes();
        int position = from;
        while (position < length && !budget.exhausted()) {
            if (file.truncatedHead != null) {
                int newline = indexOfNewline(bytes, position, length);
                if (newline < 0) {
                    return length;
                }
                byte[] head = file.truncatedHead;
                file.truncatedHead = null;
                line(file, head, 0, head.length, file.truncatedHeadOffset, chunkBase + newline + 1,
                        LineRecords.TRUNCATED, out, budget);
                position = newline + 1;
                continue;
            }
            int newline = indexOfNewline(bytes, position, (int) Math.min(length, (long) position + maxLineBytes + 2));
            if (newline >= 0) {
                int end = newline > position && bytes[newline - 1] == '\r' ? newline - 1 : newline;
                if (end - position <= maxLineBytes) {
                    int flags = file.splitting ? LineRecords.SPLIT : 0;
                    file.splitting = false;
                    line(file, bytes, position, end, chunkBase + position, chunkBase + newline + 1, flags, out, budget);
                    position = newline + 1;
                    continue;
                }
            } else if (length - position < maxLineBytes + 2) {
                break;
            }
            position = longLine(file, bytes, position, length, newline, out, budget);
        }
        return position;
    }

    /** A line longer than max_line_bytes starts at {@code position}; returns where reading goes on. */
    private int longLine(TrackedFile file, byte[] bytes, int position, int length, int newline,
                         List<SourceRecord> out, Budget budget) throws IOException {
        int maxLineBytes = config.maxLineBytes();
        if (config.maxLineAction() == MaxLineAction.SPLIT) {
            int cut = utf8 ? characterBoundary(bytes, position, position + maxLineBytes) : position + maxLineBytes;
            if (!file.splitting) {
                metrics.linesSplit.increment();
            }
            file.splitting = true;
            line(file, bytes, position, cut, chunkBase + position, chunkBase + cut, LineRecords.SPLIT, out, budget);
            return cut;
        }
        metrics.linesTruncated.increment();
        if (newline < 0) {
            newline = indexOfNewline(bytes, position + maxLineBytes, length);
        }
        if (newline >= 0) {
            line(file, bytes, position, position + maxLineBytes, chunkBase + position, chunkBase + newline + 1,
                    LineRecords.TRUNCATED, out, budget);
            return newline + 1;
        }
        file.truncatedHead = Arrays.copyOfRange(bytes, position, position + maxLineBytes);
        file.truncatedHeadOffset = chunkBase + position;
        return length;
    }

    /** {@code cut}, moved back so that it does not split a UTF-8 character. */
    private static int characterBoundary(byte[] bytes, int start, int cut) {
        int boundary = cut;
        while (boundary > start && boundary > cut - 3 && (bytes[boundary] & 0xC0) == 0x80) {
            boundary--;
        }
        return boundary > start ? boundary : cut;
    }

    private static int indexOfNewline(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** One line read: handed over, or added to the multiline event being assembled. */
    private void line(TrackedFile file, byte[] source, int from, int to, long startOffset, long endOffset, int flags,
                      List<SourceRecord> out, Budget budget) throws IOException {
        linesRead++;
        long tailHash = tailHash(file, endOffset);
        Multiline multiline = config.multiline();
        if (multiline == null) {
            emit(file, Arrays.copyOfRange(source, from, to), startOffset, endOffset, tailHash, flags, out, budget);
            return;
        }
        if ((flags & LineRecords.SPLIT) != 0) {
            // Pieces of a split line go out alone: joining them with newlines would change the line.
            emitPending(file, out, budget);
            emit(file, Arrays.copyOfRange(source, from, to), startOffset, endOffset, tailHash, flags, out, budget);
            return;
        }
        boolean startsEvent = multiline.startsEvent(new String(source, from, to - from, config.encoding()));
        long now = System.nanoTime();
        PendingEvent pending = file.pending;
        if (pending != null) {
            boolean full = pending.lines() >= multiline.maxLines() || pending.lengthWith(to - from) > config.maxLineBytes();
            if (!startsEvent && !full) {
                pending.append(source, from, to, endOffset, tailHash, flags, now);
                return;
            }
            if (!startsEvent) {
                metrics.multilineCut.increment();
            }
            emitPending(file, out, budget);
        }
        file.pending = new PendingEvent(source, from, to, startOffset, endOffset, tailHash, flags, now);
    }

    private void emitPending(TrackedFile file, List<SourceRecord> out, Budget budget) {
        PendingEvent pending = file.pending;
        if (pending != null) {
            file.pending = null;
            emit(file, pending.toBytes(), pending.startOffset(), pending.endOffset(), pending.endTailHash(),
                    pending.flags(), out, budget);
        }
    }

    private void emit(TrackedFile file, byte[] value, long startOffset, long endOffset, long tailHash, int flags,
                      List<SourceRecord> out, Budget budget) {
        int index = out.size();
        if (runEnd != null && (runEnd.index() != index - 1 || !runEnd.stream().equals(file.stream))) {
            endRun(out);
        }
        out.add(records.line(file, value, startOffset, flags));
        runEnd = new RunEnd(index, file.stream, file.checkpoint(endOffset, tailHash));
        file.emittedOffset = endOffset;
        file.emittedTailHash = tailHash;
        file.lastCheckpointOffset = endOffset;
        budget.records++;
        budget.bytes += value.length;
    }

    /** The checkpoint hash of the bytes before {@code offset}: from memory when it holds them. */
    private long tailHash(TrackedFile file, long offset) throws IOException {
        int length = (int) Math.min(offset, FileCheckpoint.TAIL_CHECK_BYTES);
        long start = offset - length;
        if (file == chunkFile && start >= chunkBase && offset <= chunkBase + chunkLength) {
            return Hashing.hash(buffer.array(), (int) (start - chunkBase), length);
        }
        if (offset == file.readOffset) {
            // Also right after a truncation, when the file no longer has these bytes.
            return Hashing.hash(file.tailBytes, 0, file.tailLength());
        }
        return TrackedFile.tailHashAt(file.channel, offset);
    }

    private SourceRecord checkpointOnly(TrackedFile file, long offset, long tailHash) {
        file.lastCheckpointOffset = offset;
        return SourceRecord.checkpointOnly(new Checkpoint(file.stream, file.checkpoint(offset, tailHash).toPosition()));
    }

    private void forget(String stream, List<SourceRecord> out) {
        out.add(SourceRecord.checkpointOnly(new Checkpoint(stream, null)));
        committedOffsets.remove(stream);
    }

    /**
     * A file shorter than its offset, or with other bytes before it: read again from 0, once what it
     * holds in memory (a multiline event, a truncated line's head) is handed over. Its old position
     * stays claimable, so that a copytruncate copy carries on from what was handed over.
     */
    private void truncated(TrackedFile file, List<SourceRecord> out, String reason) throws IOException {
        metrics.truncations.increment();
        log.info("{} was truncated ({}): reading it again from byte 0", file.path, reason);
        chunkFile = null;
        Budget unbounded = new Budget();
        flushTruncatedHead(file, out, unbounded);
        emitPending(file, out, unbounded);
        if (!file.isProvisional()) {
            unclaimed.put(file.stream, Unclaimed.leftByTruncation(file.checkpoint(file.emittedOffset, file.emittedTailHash),
                    System.currentTimeMillis(), scans));
        }
        file.restart();
        file.fingerprint = fingerprint(file.channel, file.channel.size());
        file.stream = streamFor(file.fingerprint, file.key);
        unclaimed.remove(file.stream);
        out.add(checkpointOnly(file, 0, file.emittedTailHash));
        nextScanNanos = System.nanoTime();
    }

    /** A file under its provisional stream reached fingerprint_bytes: it takes its fingerprint stream. */
    private void upgrade(TrackedFile file, List<SourceRecord> out) throws IOException {
        Long fingerprint = fingerprint(file.channel, file.channel.size());
        if (fingerprint == null) {
            return;
        }
        file.fingerprint = fingerprint;
        String stream = FileCheckpoint.fingerprintStream(fingerprint, file.key);
        if (isReservedForACopy(stream)) {
            return;
        }
        String provisional = file.stream;
        unclaimed.remove(stream);
        file.stream = stream;
        // The new stream first: a crash between the two leaves the file known under one of them.
        out.add(checkpointOnly(file, file.emittedOffset, file.emittedTailHash));
        forget(provisional, out);
        log.debug("{} reached fingerprint_bytes: stream {} is now {}", file.path, provisional, stream);
    }


    private void checkTimers(List<SourceRecord> out) throws IOException {
        long now = System.nanoTime();
        long deletedBytes = 0;
        Multiline multiline = config.multiline();
        for (TrackedFile file : List.copyOf(tracked.values())) {
            if (!file.isOpen()) {
                continue;
            }
            Budget unbounded = new Budget();
            if (multiline != null && file.pending != null
                    && now - file.pending.lastAppendNanos() >= multiline.timeout().toNanos()) {
                emitPending(file, out, unbounded);
            }
            long idle = now - file.lastChangeNanos;
            Duration quiet = switch (file.gone) {
                case NO, RENAMED -> config.closeInactive();
                case DELETED -> config.scanInterval();
            };
            if (idle >= quiet.toNanos() && isCaughtUp(file)) {
                flushRest(file, out, unbounded);
                if (file.gone == Gone.NO) {
                    file.closeChannel();
                    metrics.openFiles.decrementAndGet();
                    log.debug("{} closed: inactive for close_inactive", file.path);
                } else if (isCommitted(file)) {
                    release(file, System.currentTimeMillis());
                }
            }
            if (file.isOpen() && file.gone == Gone.DELETED) {
                deletedBytes += file.lastSize;
            }
        }
        metrics.deletedOpenBytes.set(deletedBytes);
    }

    /** True when nothing but a partial line is left to read. */
    private static boolean isCaughtUp(TrackedFile file) throws IOException {
        long size = file.channel.size();
        return size == file.readOffset || size == file.scannedSize;
    }

    /** Hands over a partial last line, a truncated line's head and the event being assembled. */
    private void flushRest(TrackedFile file, List<SourceRecord> out, Budget budget) throws IOException {
        flushTruncatedHead(file, out, budget);
        long size = file.channel.size();
        if (size > file.readOffset) {
            byte[] rest = TrackedFile.readAt(file.channel, file.readOffset, (int) (size - file.readOffset));
            metrics.linesPartial.increment();
            bytesRead += rest.length;
            long start = file.readOffset;
            file.readOffset = start + rest.length;
            int tail = file.tailLength();
            byte[] before = TrackedFile.readAt(file.channel, file.readOffset - tail, tail);
            System.arraycopy(before, 0, file.tailBytes, 0, before.length);
            partialLine(file, rest, start, out, budget);
        }
        emitPending(file, out, budget);
    }

    private void flushTruncatedHead(TrackedFile file, List<SourceRecord> out, Budget budget) throws IOException {
        if (file.truncatedHead != null) {
            byte[] head = file.truncatedHead;
            file.truncatedHead = null;
            metrics.linesPartial.increment();
            line(file, head, 0, head.length, file.truncatedHeadOffset, file.readOffset,
                    LineRecords.TRUNCATED | LineRecords.PARTIAL, out, budget);
        }
    }

    /**
     * A last line without its newline, from file offset {@code start}: as max_line_action says when it
     * is longer than max_line_bytes (reading stops short of a newline less than max_line_bytes + 2
     * bytes on, so it can be one byte longer).
     */
    private void partialLine(TrackedFile file, byte[] rest, long start, List<SourceRecord> out, Budget budget)
            throws IOException {
        int maxLineBytes = config.maxLineBytes();
        int from = 0;
        while (rest.length - from > maxLineBytes) {
            if (config.maxLineAction() == MaxLineAction.TRUNCATE) {
                metrics.linesTruncated.increment();
                line(file, rest, from, from + maxLineBytes, start + from, start + rest.length,
                        LineRecords.TRUNCATED | LineRecords.PARTIAL, out, budget);
                return;
            }
            int cut = utf8 ? characterBoundary(rest, from, from + maxLineBytes) : from + maxLineBytes;
            if (!file.splitting) {
                metrics.linesSplit.increment();
            }
            file.splitting = true;
            line(file, rest, from, cut, start + from, start + cut, LineRecords.SPLIT, out, budget);
            from = cut;
        }
        int flags = LineRecords.PARTIAL | (file.splitting ? LineRecords.SPLIT : 0);
        file.splitting = false;
        line(file, rest, from, rest.length, start + from, start + rest.length, flags, out, budget);
    }

    private boolean isCommitted(TrackedFile file) {
        return file.lastCheckpointOffset < 0
                || committedOffsets.getOrDefault(file.stream, -1L) >= file.lastCheckpointOffset;
    }

    /** Closes a file that is gone and read, keeping its checkpoint claimable should it come back. */
    private void release(TrackedFile file, long nowMillis) throws IOException {
        if (file.isOpen()) {
            file.closeChannel();
            metrics.openFiles.decrementAndGet();
        }
        tracked.remove(file.key);
        unclaimed.put(file.stream, Unclaimed.restored(file.checkpoint(file.emittedOffset, file.emittedTailHash), nowMillis));
        log.info("let go of {}: read to its end and committed", file.path);
    }

    private void publishCounts() {
        if (linesRead > 0) {
            metrics.linesRead.increment(linesRead);
            linesRead = 0;
        }
        if (bytesRead > 0) {
            metrics.bytesRead.increment(bytesRead);
            bytesRead = 0;
        }
    }
}
