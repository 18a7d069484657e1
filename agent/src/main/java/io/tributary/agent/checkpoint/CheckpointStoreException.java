package io.tributary.agent.checkpoint;

/** The offsets topic cannot be read, created or trusted. */
public final class CheckpointStoreException extends RuntimeException {
    public CheckpointStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public CheckpointStoreException(String message) {
        super(message);
    }
}
