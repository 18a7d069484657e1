package io.tributary.agent.checkpoint;

/**
 * The offsets topic cannot be trusted: it holds a record that is not a checkpoint, or it was
 * deleted or recreated since this agent last committed to it. Retrying cannot help, and starting
 * anyway would re-read sources from the beginning, so the agent stops with this message.
 */
public final class CheckpointsUnusableException extends RuntimeException {
    public CheckpointsUnusableException(String message, Throwable cause) {
        super(message, cause);
    }

    public CheckpointsUnusableException(String message) {
        super(message);
    }
}
