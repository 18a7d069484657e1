package io.tributary.api;

/**
 * The source of the record being sent, for interceptors: inside {@code onSend} on the agent's
 * producer, {@link #name()} is the name of the source (its key under {@code sources:}) whose record
 * it is. Kafka calls {@code onSend} on the thread that sends, which is why this works; anywhere
 * else, including {@code onAcknowledgement}, it is {@code null}.
 */
public final class RecordSource {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private RecordSource() {
    }

    /** The source of the record being sent, or {@code null} outside the agent's {@code onSend}. */
    public static String name() {
        return CURRENT.get();
    }

    /** Set by the agent around each send; plugins have no reason to call it. */
    public static void set(String sourceName) {
        if (sourceName == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(sourceName);
        }
    }
}
