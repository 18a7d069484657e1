package io.tributary.agent;

/** A runtime failure that ends {@code tributary run} with exit code 2 and this message. */
final class AgentException extends RuntimeException {
    AgentException(String message) {
        super(message);
    }
}
