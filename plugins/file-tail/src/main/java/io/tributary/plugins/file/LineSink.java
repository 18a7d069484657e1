package io.tributary.plugins.file;

/** Takes the lines a {@link LineReader} reads: the poll's records, or the multiline assembler in front of them. */
interface LineSink {

    /**
     * A line or piece of one of {@code file}: bytes {@code [from, to)} of {@code source}, which the
     * sink copies if it keeps them, are the file's bytes from {@code startOffset}; reading resumes at
     * {@code endOffset}, whose preceding bytes hash to {@code tailHash}. {@code flags} are those of
     * {@link LineRecords}; {@code fields} those a container log line carried, or null.
     */
    void line(TrackedFile file, byte[] source, int from, int to, long startOffset, long endOffset, long tailHash,
              int flags, ContainerFields fields);

    /** Hands over what the sink holds of {@code file}: the file went quiet, away, or was truncated. */
    default void flush(TrackedFile file) {
    }
}
