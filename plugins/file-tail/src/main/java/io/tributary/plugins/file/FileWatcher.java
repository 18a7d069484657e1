package io.tributary.plugins.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Sees files appear under the globs' folders as it happens (inotify on Linux, through the JDK's
 * {@link WatchService}), so that a file that exists under a matching name for any time at all is
 * read, even when it is renamed away before the next scan: it is opened at once and held open
 * ("pinned") until the next scan takes it over. Files still under their name are found by the scans
 * as before, at the same moments, so that a copytruncate copy caught half written is not taken for
 * a new file. Scans stay the source of truth and the fallback: where watching is not possible (no
 * inotify instances left, a network file system) or events overflowed, they find files as before.
 *
 * <p>Its own thread waits for events; everything else happens on the task thread, which
 * {@linkplain #takeVanished takes} the pinned files that vanished between scans and
 * {@linkplain #takePinned all of them} at each scan.
 */
final class FileWatcher implements AutoCloseable {

    /** A file opened the moment it appeared under a matching name: its channel holds its bytes. */
    record Pinned(Path path, FileKey.Stat stat, FileChannel channel) {
    }

    private final Globs globs;
    private final FileTracker.FileOpener opener;
    private final Logger log;
    private final int maxPinned;
    private final WatchService service;
    private final Thread thread;
    private final Map<Path, WatchKey> watched = new ConcurrentHashMap<>();
    private final Map<FileKey, Pinned> pinned = new ConcurrentHashMap<>();
    private final AtomicBoolean pinLimitLogged = new AtomicBoolean();
    private final Set<Path> unwatchable = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Starts watching, or returns null when the file system offers no watch service (the scans then
     * find files alone).
     */
    static FileWatcher start(Globs globs, FileTracker.FileOpener opener, Logger log, int maxPinned, String sourceName) {
        WatchService service;
        try {
            service = java.nio.file.FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("cannot watch folders for new files ({}): new files are found by the scans every scan_interval"
                    + " alone, and a file created and renamed away between two scans is not read", e.getMessage());
            return null;
        }
        return new FileWatcher(globs, opener, log, maxPinned, service, sourceName);
    }

    private FileWatcher(Globs globs, FileTracker.FileOpener opener, Logger log, int maxPinned, WatchService service,
                        String sourceName) {
        this.globs = globs;
        this.opener = opener;
        this.log = log;
        this.maxPinned = maxPinned;
        this.service = service;
        this.thread = new Thread(this::run, "tributary-file-watcher-" + sourceName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches {@code folder} from now on, if it is not watched yet; the task thread calls it for each folder a scan walks. */
    void watch(Path folder) {
        if (watched.containsKey(folder) || unwatchable.contains(folder) || closed) {
            return;
        }
        try {
            WatchKey key = folder.register(service, StandardWatchEventKinds.ENTRY_CREATE);
            watched.put(folder, key);
        } catch (IOException e) {
            // Most often fs.inotify.max_user_watches: the scans still find its files. Said once, not per folder.
            if (unwatchable.add(folder) && unwatchable.size() == 1) {
                log.warn("cannot watch {} for new files ({}): its files, and those of any other folder that cannot be"
                        + " watched, are found by the scans alone", folder, e.getMessage());
            }
        } catch (ClosedWatchServiceException stopped) {
            return;
        }
    }

    /**
     * The pinned files no longer at the path they appeared at (renamed or deleted): they are read from
     * the pinned channel, which the caller now owns. The others stay pinned for the next scan.
     */
    List<Pinned> takeVanished() {
        List<Pinned> vanished = new ArrayList<>();
        for (Pinned file : List.copyOf(pinned.values())) {
            FileKey now;
            try {
                now = FileKey.stat(file.path()).key();
            } catch (IOException gone) {
                now = null;
            }
            if (!file.stat().key().equals(now) && pinned.remove(file.stat().key(), file)) {
                vanished.add(file);
            }
        }
        return vanished;
    }

    /** The files pinned since the last call; the caller owns their channels. */
    List<Pinned> takePinned() {
        List<Pinned> taken = new ArrayList<>();
        for (FileKey key : List.copyOf(pinned.keySet())) {
            Pinned file = pinned.remove(key);
            if (file != null) {
                taken.add(file);
            }
        }
        pinLimitLogged.set(false);
        return taken;
    }

    @Override
    public void close() {
        closed = true;
        try {
            service.close();
        } catch (IOException e) {
            log.debug("closing the watch service failed", e);
        }
        for (Pinned file : takePinned()) {
            closeQuietly(file.channel());
        }
    }

    private void run() {
        while (!closed) {
            WatchKey key;
            try {
                key = service.take();
            } catch (ClosedWatchServiceException | InterruptedException stopped) {
                return;
            }
            Path folder = (Path) key.watchable();
            for (WatchEvent<?> event : key.pollEvents()) {
                // On OVERFLOW events were lost: the next scan finds those files, if they are still there.
                if (event.context() instanceof Path name) {
                    appeared(folder.resolve(name));
                }
            }
            if (!key.reset()) {
                watched.remove(folder, key);
            }
        }
    }

    /** A name appeared in a watched folder: created, or renamed to it. */
    private void appeared(Path path) {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            if (globs.reaches(path)) {
                watch(path);
                // Files created in it before it was watched are seen nowhere else until a scan.
                pinFilesIn(path);
            }
        } else if (globs.matches(path)) {
            pin(path);
        }
    }

    private void pinFilesIn(Path folder) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                appeared(entry);
            }
        } catch (IOException vanished) {
            return;
        }
    }

    /** Opens the file at {@code path} if it is still there, and holds it open until the next scan. */
    private void pin(Path path) {
        if (pinned.size() >= maxPinned) {
            if (pinLimitLogged.compareAndSet(false, true)) {
                log.warn("{} files appeared since the last scan, as many as max_open_files: more are left to the scan",
                        pinned.size());
            }
            return;
        }
        try {
            FileKey.Stat before = FileKey.stat(path);
            if (!before.regularFile() || pinned.containsKey(before.key())) {
                return;
            }
            FileChannel channel = opener.open(path);
            FileKey.Stat after;
            try {
                after = FileKey.stat(path);
            } catch (IOException renamedMeanwhile) {
                after = null;
            }
            // Renamed before the open and replaced: the channel may hold either file; the scan sorts it out.
            if (after == null || !after.key().equals(before.key()) || closed
                    || pinned.putIfAbsent(before.key(), new Pinned(path, before, channel)) != null) {
                closeQuietly(channel);
            }
        } catch (IOException vanished) {
            return;
        }
    }

    private void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing a pinned file failed", e);
        }
    }
}
