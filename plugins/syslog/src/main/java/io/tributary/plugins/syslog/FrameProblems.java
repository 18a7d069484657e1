package io.tributary.plugins.syslog;

/** Hears about the input a {@link SyslogFrameDecoder} cannot turn into messages. */
interface FrameProblems {

    /** A message longer than {@code max_message_bytes} was skipped; {@code length} is what was seen of it. */
    void oversized(long length);

    /** The stream cannot be framed any more (a bad octet count, say); the connection is being closed. */
    void badFrame(String reason);

    /**
     * This side closed the connection (the stop's deadline, {@code idle_timeout}, an error) while it
     * held {@code bytes} of a message its sender had not finished: they are dropped, never delivered
     * as if complete.
     */
    void discarded(int bytes);
}
