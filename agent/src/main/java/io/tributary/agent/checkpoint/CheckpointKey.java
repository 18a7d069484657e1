package io.tributary.agent.checkpoint;

/** Which checkpoint a record of the offsets topic holds: one stream of one source of one agent. */
public record CheckpointKey(String agentId, String source, String stream) {
}
