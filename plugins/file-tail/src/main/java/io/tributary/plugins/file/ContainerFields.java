package io.tributary.plugins.file;

/**
 * What a container runtime's log line says besides the message: its stream ({@code stdout} or
 * {@code stderr}) and the time it was written, as the runtime wrote them (RFC 3339), in UTF-8.
 * Sent as the headers {@code tributary.container.stream} and {@code tributary.container.time}.
 */
record ContainerFields(byte[] stream, byte[] time) {
}
