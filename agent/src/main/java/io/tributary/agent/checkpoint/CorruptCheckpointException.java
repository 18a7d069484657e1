package io.tributary.agent.checkpoint;

/** A record of the offsets topic that is not a checkpoint this agent can read. */
public final class CorruptCheckpointException extends RuntimeException {
    public CorruptCheckpointException(String message) {
        super(message);
    }
}
