package io.tributary.api;

import java.util.Objects;

/**
 * The point a record brings its stream to: once the record is committed, a restarted source
 * resumes after it. A stream is whatever the source reads in order (one file, one table); its name
 * must be stable across restarts.
 *
 * @param stream   the stream's stable name, unique within the source
 * @param position where the stream stands after this record; {@code null} forgets the stream
 */
public record Checkpoint(String stream, Position position) {
    public Checkpoint {
        Objects.requireNonNull(stream, "stream");
    }

    /** True when committing this checkpoint removes the stream's checkpoint. */
    public boolean forgets() {
        return position == null;
    }
}
