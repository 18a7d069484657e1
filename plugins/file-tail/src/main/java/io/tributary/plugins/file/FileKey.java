package io.tributary.plugins.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A file's device and inode: the second key of a file's identity, beside its fingerprint. Stable
 * across renames; reused by the file system once a file is deleted and closed.
 */
record FileKey(long dev, long ino) {

    /** The key, size and modification time of the file at {@code path}, in one system call. */
    record Stat(FileKey key, long size, long modifiedMillis, boolean regularFile) {
    }

    static Stat stat(Path path) throws IOException {
        try {
            Map<String, Object> attributes = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime,isRegularFile");
            return new Stat(new FileKey((Long) attributes.get("dev"), (Long) attributes.get("ino")),
                    (Long) attributes.get("size"),
                    ((java.nio.file.attribute.FileTime) attributes.get("lastModifiedTime")).toMillis(),
                    (Boolean) attributes.get("isRegularFile"));
        } catch (UnsupportedOperationException noUnixView) {
            var basic = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
            Object fileKey = basic.fileKey();
            long ino = fileKey == null ? path.toAbsolutePath().toString().hashCode() : fileKey.hashCode();
            return new Stat(new FileKey(0, ino), basic.size(), basic.lastModifiedTime().toMillis(), basic.isRegularFile());
        }
    }

    /** The stream name of a file shorter than the fingerprint: provisional, until the file grows. */
    String streamName() {
        return FileCheckpoint.INODE_STREAM_PREFIX + dev + ":" + ino;
    }
}
