/**
 * Test support for Tributary and its plugins.
 *
 * <ul>
 *   <li>{@link io.tributary.testkit.KafkaBroker}: a real single-node Kafka broker in a child JVM.</li>
 *   <li>{@link io.tributary.testkit.TcpProxy}: a loopback TCP proxy that drops, delays or resets
 *       connections, for partitions between a client and a broker that keeps running; a broker
 *       built {@code proxied()} advertises one, with SASL users and ACLs if asked.</li>
 *   <li>{@link io.tributary.testkit.KafkaReader}: reads a topic as a {@code read_committed} consumer.</li>
 *   <li>{@link io.tributary.testkit.RecordingSourceContext} and {@link io.tributary.testkit.TaskDriver}:
 *       unit tests of a source task, driven as the agent drives it; {@link io.tributary.testkit.FakeClock}
 *       and {@link io.tributary.testkit.TaskDriver#advance} move its time on.</li>
 *   <li>{@link io.tributary.testkit.TestSettings}: a plugin's settings from a YAML snippet, with the
 *       errors the agent would print.</li>
 *   <li>{@link io.tributary.testkit.AgentProcess}: the agent in a child JVM, as a user runs it.</li>
 * </ul>
 */
package io.tributary.testkit;
