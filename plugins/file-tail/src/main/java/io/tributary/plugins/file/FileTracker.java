package io.tributary.plugins.file;

import io.tributary.api.PluginClock;
import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import io.tributary.plugins.file.FileSourceConfig.ReadFrom;
import io.tributary.plugins.file.TrackedFile.Gone;
import io.tributary.plugins.file.UnclaimedCheckpoints.Unclaimed;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Finds the files of a source and knows each by its identity: scans the globs, fingerprints new
 * files, lets them claim the checkpoint they continue, holds back copytruncate copies, follows
 * renames, tells renamed-away from deleted files, re-identifies files found truncated or grown past
 * fingerprint_bytes, and lets go of files that are gone, read and committed.
 *
 * <p>A file resumes from the checkpoint of its own stream (same beginning, same inode); a file that
 * holds nothing but what a tracked file beginning alike holds is a copytruncate copy, held back until
 * that one is truncated; then it takes over the position the truncated file left. Anything else is a
 * new file.
 */
final class FileTracker {
    /** How far back from the end read_from: end looks for the last complete line. */
    private static final int END_SEARCH_BYTES = 64 * 1024;
    private static final Path OPEN_FILE_DESCRIPTORS = Path.of("/proc/self/fd");
    /** How often the files the watcher pinned are looked at between scans, for those renamed away or deleted. */
    static final Duration PIN_CHECK_INTERVAL = Duration.ofMillis(50);

    /** Opens a file to read it; a seam for tests, which land a rename between a scan's stat and an open. */
    interface FileOpener {
        FileChannel open(Path path) throws IOException;
    }

    /** Hands over what a file holds in memory before it is re-identified after a truncation. */
    interface HeldLines {
        void flush(TrackedFile file) throws IOException;
    }

    /** The checkpoint a file found by a scan resumes from, the stream it was under, and where it resumes. */
    private record Claim(String stream, Unclaimed unclaimed, long offset) {
    }

    /** A file matched by a scan; files tracked or named by a checkpoint's inode are handled first. */
    private record Found(Path path, FileKey.Stat stat, int pass) {
    }

    private final FileSourceConfig config;
    private final FileOpener opener;
    private final Globs globs;
    private final SourceContext context;
    private final Logger log;
    private final FileMetrics metrics;
    private final PollOutput output;
    private final HeldLines heldLines;
    private final PluginClock clock;
    /** Null when folders cannot be watched: scans alone find files then. */
    private final FileWatcher watcher;
    private final Map<FileKey, TrackedFile> tracked = new LinkedHashMap<>();
    private final UnclaimedCheckpoints unclaimed = new UnclaimedCheckpoints();
    /** Files skipped by ignore_older, with their size then: read from there once they change. */
    private final Map<FileKey, Long> ignoredOld = new HashMap<>();
    /** Files held back as the copytruncate copy of a file being read, already logged. */
    private final Set<FileKey> heldBackCopies = new HashSet<>();
    private final Map<String, Long> committedOffsets = new ConcurrentHashMap<>();
    private boolean scannedOnce;
    /** The source ran before: it has committed checkpoints, so read_from: end no longer applies. */
    private final boolean resumed;
    private long scans;
    private long nextScanNanos;
    private long lastPinCheckNanos;
    /** Files found but not opened in the last scan: max_open_files files were open and none could be closed. */
    private int waiting;
    private boolean waitingLogged;
    private String unhealthyReason;

    FileTracker(FileSourceConfig config, FileOpener opener, SourceContext context, FileMetrics metrics,
                PollOutput output, HeldLines heldLines, PluginClock clock) {
        this.config = config;
        this.opener = opener;
        this.globs = new Globs(config.include(), config.exclude());
        this.context = context;
        this.log = context.logger();
        this.metrics = metrics;
        this.output = output;
        this.heldLines = heldLines;
        this.clock = clock;
        long now = clock.millis();
        resumed = !context.committedPositions().isEmpty();
        context.committedPositions().forEach((stream, position) -> {
            FileCheckpoint checkpoint = FileCheckpoint.parse(stream, position);
            unclaimed.put(stream, Unclaimed.restored(checkpoint, now));
            committedOffsets.put(stream, checkpoint.offset());
        });
        nextScanNanos = clock.nanoTime();
        lastPinCheckNanos = nextScanNanos;
        watcher = FileWatcher.start(globs, opener, log, config.maxOpenFiles(), context.sourceName());
        metrics.waiting(() -> waiting);
    }

    /** The files being tracked, open or closed by close_inactive, in the order they were found. */
    Collection<TrackedFile> files() {
        return tracked.values();
    }

    /** Notes the positions committed in a transaction: files gone from the globs wait for them. Any thread. */
    void committed(Map<String, Position> positions) {
        positions.forEach((stream, position) -> committedOffsets.put(stream, position.getLong("offset")));
    }

    /**
     * Scans the globs when scan_interval has passed since the last scan; between scans, reads the
     * files that appeared and vanished since.
     */
    void scanIfDue() throws IOException {
        long now = clock.nanoTime();
        if (now - nextScanNanos >= 0) {
            nextScanNanos = now + config.scanInterval().toNanos();
            lastPinCheckNanos = now;
            scan();
        } else if (watcher != null && now - lastPinCheckNanos >= PIN_CHECK_INTERVAL.toNanos()) {
            lastPinCheckNanos = now;
            List<FileWatcher.Pinned> vanished = watcher.takeVanished();
            if (!vanished.isEmpty()) {
                takeOverPinned(vanished, Set.of(), clock.millis());
                classifyGoneFiles();
            }
        }
    }

    /** How long until the next scan is due; negative when it is. */
    long nanosUntilScan() {
        return nextScanNanos - clock.nanoTime();
    }

    private void scan() throws IOException {
        scans++;
        waiting = 0;
        long nowMillis = clock.millis();
        Set<FileKey> seen = new HashSet<>();
        List<String> unreadable = new ArrayList<>();
        Set<FileKey> checkpointed = unclaimed.keys();
        List<Found> found = new ArrayList<>();
        List<FileWatcher.Pinned> pinned = List.of();
        Set<Path> matching;
        if (watcher != null) {
            // Before the walk: a file pinned later, and missed by the walk, waits for the next scan.
            pinned = watcher.takePinned();
            matching = globs.matchingFiles(watcher::watch);
        } else {
            matching = globs.matchingFiles();
        }
        for (Path path : matching) {
            FileKey.Stat stat;
            try {
                stat = FileKey.stat(path);
            } catch (IOException vanished) {
                continue;
            }
            if (!stat.regularFile()) {
                continue;
            }
            // One file under two matching paths (a link and its target, two links): read once, under
            // the path it is tracked by, else the first in path order.
            TrackedFile known = tracked.get(stat.key());
            if (!seen.add(stat.key()) && (known == null || !known.path().equals(path))) {
                continue;
            }
            if (known != null && known.path().equals(path)) {
                found.removeIf(other -> other.stat().key().equals(stat.key()));
            }
            int pass = known != null ? 0 : checkpointed.contains(stat.key()) ? 1 : 2;
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
                    discover(file.path(), file.stat(), nowMillis);
                }
            } catch (EOFException stillCompressing) {
                // A .gz that logrotate is still writing ends early: the next scan reads it whole.
                if (!isDecompressed(file.path())) {
                    unreadable.add(file.path() + " (EOFException: " + stillCompressing.getMessage() + ")");
                }
            } catch (IOException e) {
                unreadable.add(file.path() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
        takeOverPinned(pinned, seen, nowMillis);
        for (TrackedFile file : List.copyOf(tracked.values())) {
            if (!seen.contains(file.key())) {
                lost(file, nowMillis);
            }
        }
        classifyGoneFiles();
        ignoredOld.keySet().retainAll(seen);
        heldBackCopies.retainAll(seen);
        forgetExpired(nowMillis);
        reportHealth(unreadable);
        reportWaiting();
        scannedOnce = true;
    }

    /**
     * Files the watcher opened as they appeared: those the walk found are read as any other; those
     * renamed out of the globs or deleted since are read from the channel the watcher holds, to their end.
     */
    private void takeOverPinned(List<FileWatcher.Pinned> pinned, Set<FileKey> seen, long nowMillis) throws IOException {
        for (FileWatcher.Pinned file : pinned) {
            FileKey key = file.stat().key();
            if (seen.contains(key) || tracked.containsKey(key)) {
                file.channel().close();
                continue;
            }
            log.info("{} appeared and went away from the globs between two scans: reading it from the descriptor"
                    + " opened when it appeared", file.path());
            discover(file.path(), file.stat(), nowMillis, file.channel());
            TrackedFile found = tracked.get(key);
            if (found != null) {
                lost(found, nowMillis);
            }
        }
    }

    private void reportWaiting() {
        if (waiting > 0 && !waitingLogged) {
            log.warn("{} files wait to be opened: max_open_files ({}) files are open and none is idle and read to its"
                    + " end", waiting, config.maxOpenFiles());
        }
        waitingLogged = waiting > 0;
    }

    /**
     * True when one more file may be opened: fewer than max_open_files are, or the least recently
     * changed open file that is read to its end and holds nothing back was closed to make room. It is
     * reopened when it changes.
     */
    private boolean roomToOpen() throws IOException {
        if (metrics.openFiles.get() < config.maxOpenFiles()) {
            return true;
        }
        TrackedFile idlest = null;
        for (TrackedFile file : tracked.values()) {
            if (file.isOpen() && file.gone() == Gone.NO && file.holdsNothing()
                    && (idlest == null || file.lastChangeNanos() - idlest.lastChangeNanos() < 0)
                    && file.channel().size() == file.readOffset()) {
                idlest = file;
            }
        }
        if (idlest == null) {
            return false;
        }
        idlest.closeChannel();
        metrics.openFiles.decrementAndGet();
        log.debug("{} closed: max_open_files files are open and it changed least recently", idlest.path());
        return true;
    }

    /** A file already tracked, found again by its inode: maybe renamed, maybe changed while closed. */
    private void follow(TrackedFile file, Path path, FileKey.Stat stat) throws IOException {
        if (!file.path().equals(path)) {
            metrics.rotations.increment();
            log.info("{} was renamed to {}", file.path(), path);
            file.renamedTo(path);
        }
        file.gone(Gone.NO);
        // A .gz read decompressed does not grow; its size on disk is not its size read.
        if (!file.isOpen() && stat.size() != file.readOffset() && !isDecompressed(path)) {
            reopen(file);
        }
    }

    /** Opens a file closed by close_inactive again; false when another file took its path since the scan. */
    private boolean reopen(TrackedFile file) throws IOException {
        if (!roomToOpen()) {
            waiting++;
            return false;
        }
        FileChannel channel = openAs(file.path(), file.key());
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
        if (!file.isOpen() && !reopenRenamedAway(file)) {
            release(file, nowMillis);
            return;
        }
        if (file.gone() == Gone.NO) {
            file.gone(Gone.RENAMED);
            metrics.rotations.increment();
            log.info("{} is gone from the globs: reading it to its end before letting it go", file.path());
        }
    }

    /**
     * Finds a file that was closed (close_inactive, max_open_files) and renamed out of the globs in
     * the folder it was in, as rotations do, and opens it there, to read what was appended in its last
     * moments. False when it is not there, or has nothing more.
     */
    private boolean reopenRenamedAway(TrackedFile file) throws IOException {
        Path folder = file.path().getParent();
        if (folder == null) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                FileKey.Stat stat;
                try {
                    stat = FileKey.stat(entry);
                } catch (IOException vanished) {
                    continue;
                }
                if (!stat.key().equals(file.key())) {
                    continue;
                }
                if (stat.size() == file.readOffset()) {
                    return false;
                }
                FileChannel channel = openAs(entry, file.key());
                if (channel == null) {
                    return false;
                }
                log.info("{} was renamed to {} while closed, with {} bytes more: reading them before letting it go",
                        file.path(), entry, stat.size() - file.readOffset());
                file.renamedTo(entry);
                file.reopened(channel);
                metrics.openFiles.incrementAndGet();
                return true;
            }
        } catch (IOException folderGone) {
            return false;
        }
        return false;
    }

    /** Tells deleted from renamed-away files by their link count, read through /proc/self/fd. */
    private void classifyGoneFiles() {
        List<TrackedFile> gone = tracked.values().stream().filter(file -> file.gone() != Gone.NO).toList();
        if (gone.isEmpty()) {
            return;
        }
        Map<FileKey, Long> linkCounts = openFileLinkCounts();
        for (TrackedFile file : gone) {
            Long links = linkCounts.get(file.key());
            Gone now = links != null && links == 0 ? Gone.DELETED : Gone.RENAMED;
            if (now != file.gone()) {
                file.gone(now);
                log.info("{} was {}", file.path(), now == Gone.DELETED ? "deleted" : "renamed away");
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

    /** A file not tracked yet, found by the walk: finds its identity and where to start reading it. */
    private void discover(Path path, FileKey.Stat stat, long nowMillis) throws IOException {
        Long sizeWhenIgnored = ignoredOld.get(stat.key());
        if (sizeWhenIgnored != null && (sizeWhenIgnored == stat.size() || isDecompressed(path))) {
            return;
        }
        if (!roomToOpen()) {
            waiting++;
            return;
        }
        FileChannel channel = openAs(path, stat.key());
        if (channel != null) {
            discover(path, stat, nowMillis, channel);
        }
    }

    /** A file not tracked yet, open on {@code channel}, which it keeps or closes. */
    private void discover(Path path, FileKey.Stat stat, long nowMillis, FileChannel channel) throws IOException {
        Long sizeWhenIgnored = ignoredOld.get(stat.key());
        FileKey key = stat.key();
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
            // A checkpoint at byte 0 has no bytes before its offset to compare, so any file under its inode
            // matches it: also a copytruncate copy that the file system gave the inode of a file deleted
            // since. It resumes the file only when the file is no copy, else the copy is read again whole.
            if ((claim == null || claim.offset() == 0) && fingerprint != null) {
                TrackedFile original = originalOf(channel, size, fingerprint);
                if (original != null) {
                    if (heldBackCopies.add(key)) {
                        log.info("{} holds only what {}, which begins with the same {} bytes, holds: taken as its copy"
                                + " (copytruncate), read once that one is truncated", path, original.path(),
                                config.fingerprintBytes());
                    }
                    return;
                }
                Claim copied = positionLeftForACopy(channel, size, fingerprint, key);
                if (copied != null) {
                    claim = copied;
                }
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
            if (claim != null && !claim.unclaimed().checkpoint().key().equals(key) && isDecompressed(path)) {
                metrics.rotations.increment();
                log.info("{} is {}, rotated and compressed: reading it from byte {} of its decompressed bytes", path,
                        claim.unclaimed().checkpoint().path(), offset);
            } else if (claim != null && !claim.unclaimed().checkpoint().key().equals(key)) {
                metrics.rotations.increment();
                log.info("{} is a copy of {}, which was truncated (copytruncate): reading it from byte {}", path,
                        claim.unclaimed().checkpoint().path(), offset);
            } else if (claim == null && mismatched != null) {
                log.info("{} does not match the checkpoint of stream {} any more: reading it as a new file", path, mismatched);
            }
            TrackedFile file = new TrackedFile(key, stream, fingerprint, path, channel, offset, clock.nanoTime());
            tracked.put(key, file);
            metrics.openFiles.incrementAndGet();
            kept = true;
            log.info("reading {} from byte {} as stream {}", path, offset, stream);
            boolean resumedAsIs = claim != null && claim.stream().equals(stream)
                    && offset == claim.unclaimed().checkpoint().offset();
            if (!resumedAsIs && (offset > 0 || claim != null || hadCheckpoint)) {
                output.checkpoint(file, offset, file.emittedTailHash());
            }
            // After the checkpoint of its stream: a crash between the two leaves the file known under one of them.
            if (claim != null && !claim.stream().equals(stream)) {
                forget(claim.stream());
            }
            boolean provisionalForgotten = claim != null && claim.stream().equals(provisional);
            if (provisionalCheckpoint != null && !provisional.equals(stream) && !provisionalForgotten) {
                forget(provisional);
            }
        } finally {
            if (!kept) {
                channel.close();
            }
        }
    }

    /** True when the file at {@code path} is read decompressed ({@code decompress: gzip}). */
    private boolean isDecompressed(Path path) {
        return config.decompressGzip() && GzipChannel.isGzip(path);
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
            if (!unclaimed.isReservedForACopy(stream, scans)) {
                return stream;
            }
        }
        return key.streamName();
    }

    /**
     * The tracked file beginning with the same bytes that the file of {@code channel} is a copy of:
     * it holds no more than that one, and the same bytes up to its end. Such a file that turns out
     * truncated is handled as such first, so that its copy can take over its position.
     */
    private TrackedFile originalOf(FileChannel channel, long size, long fingerprint) throws IOException {
        for (TrackedFile file : List.copyOf(tracked.values())) {
            if (file.fingerprint() == null || file.fingerprint() != fingerprint) {
                continue;
            }
            try {
                if (!file.isOpen() && !reopen(file)) {
                    continue;
                }
            } catch (IOException vanished) {
                continue;
            }
            String truncation = file.truncation();
            if (truncation != null) {
                truncated(file, truncation);
            } else if (size <= file.channel().size()
                    && Arrays.equals(bytesBefore(channel, size), bytesBefore(file.channel(), size))) {
                return file;
            }
        }
        return null;
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
        Claim pastItsEnd = null;
        for (Map.Entry<String, Unclaimed> left : unclaimed.withFingerprint(fingerprint).entrySet()) {
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
        return left.leftByTruncation() || original != null && !original.stream().equals(stream);
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

    private void forgetExpired(long nowMillis) {
        if (config.ignoreOlder() == null) {
            return;
        }
        for (Map.Entry<String, Unclaimed> expired : unclaimed.removeOlderThan(config.ignoreOlder().toMillis(), nowMillis)) {
            forget(expired.getKey());
            log.info("forgot stream {} ({}): not seen for longer than ignore_older", expired.getKey(),
                    expired.getValue().checkpoint().path());
        }
    }

    /** Forgets {@code stream}'s checkpoint, which no file may claim any more: after a restart none could. */
    private void forget(String stream) {
        output.forget(stream);
        committedOffsets.remove(stream);
        unclaimed.remove(stream);
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

    /**
     * A file shorter than its offset, or with other bytes before it: read again from 0, once what it
     * holds in memory (a multiline event, a truncated line's head) is handed over. Its old position
     * stays claimable, so that a copytruncate copy carries on from what was handed over.
     */
    void truncated(TrackedFile file, String reason) throws IOException {
        metrics.truncations.increment();
        log.info("{} was truncated ({}): reading it again from byte 0", file.path(), reason);
        heldLines.flush(file);
        if (!file.isProvisional()) {
            unclaimed.put(file.stream(), Unclaimed.leftByTruncation(file.emittedCheckpoint(), clock.millis(), scans));
        }
        file.restart();
        Long fingerprint = fingerprint(file.channel(), file.channel().size());
        String stream = streamFor(fingerprint, file.key());
        file.identifiedAs(stream, fingerprint);
        unclaimed.remove(stream);
        output.checkpoint(file, 0, file.emittedTailHash());
        nextScanNanos = clock.nanoTime();
    }

    /** A file under its provisional stream that reached fingerprint_bytes takes its fingerprint stream. */
    void upgradeIfLongEnough(TrackedFile file) throws IOException {
        long size = file.channel().size();
        if (size < config.fingerprintBytes() || size < file.readOffset()) {
            return;
        }
        Long fingerprint = fingerprint(file.channel(), size);
        if (fingerprint == null) {
            return;
        }
        String stream = FileCheckpoint.fingerprintStream(fingerprint, file.key());
        if (unclaimed.isReservedForACopy(stream, scans)) {
            file.identifiedAs(file.stream(), fingerprint);
            return;
        }
        String provisional = file.stream();
        unclaimed.remove(stream);
        file.identifiedAs(stream, fingerprint);
        // The new stream first: a crash between the two leaves the file known under one of them.
        output.checkpoint(file, file.emittedOffset(), file.emittedTailHash());
        forget(provisional);
        log.debug("{} reached fingerprint_bytes: stream {} is now {}", file.path(), provisional, stream);
    }

    /**
     * A file quiet for close_inactive (or scan_interval once deleted) with nothing but what was handed
     * over: closed while it is found by the globs, let go once gone and committed.
     */
    void inactive(TrackedFile file) throws IOException {
        if (file.gone() == Gone.NO) {
            file.closeChannel();
            metrics.openFiles.decrementAndGet();
            log.debug("{} closed: inactive for close_inactive", file.path());
        } else if (isCommitted(file)) {
            release(file, clock.millis());
        }
    }

    private boolean isCommitted(TrackedFile file) {
        return file.lastCheckpointOffset() < 0
                || committedOffsets.getOrDefault(file.stream(), -1L) >= file.lastCheckpointOffset();
    }

    /** Closes a file that is gone and read, keeping its checkpoint claimable should it come back. */
    private void release(TrackedFile file, long nowMillis) throws IOException {
        if (file.isOpen()) {
            file.closeChannel();
            metrics.openFiles.decrementAndGet();
        }
        tracked.remove(file.key());
        unclaimed.put(file.stream(), Unclaimed.restored(file.emittedCheckpoint(), nowMillis));
        log.info("let go of {}: read to its end and committed", file.path());
    }

    /** Closes every file, and stops watching. */
    void close() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
        IOException failure = null;
        for (TrackedFile file : tracked.values()) {
            try {
                file.closeChannel();
            } catch (IOException e) {
                failure = e;
            }
        }
        tracked.clear();
        metrics.openFiles.set(0);
        metrics.deletedOpenBytes.set(0);
        if (failure != null) {
            throw failure;
        }
    }
}
