package io.tributary.agent.pipeline;

/** Told when the agent must stop rather than retry: fenced by another agent, or refused by Kafka. */
@FunctionalInterface
public interface FatalHandler {
    void fatal(String message, Throwable cause);
}
