package io.tributary.agent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code agent:} section. The defaults below are the only place defaults live.
 *
 * @param id               unique per agent; the transactional id is {@code tributary-<id>}
 * @param pluginsDir       absolute, resolved against the config file's folder
 * @param dataDir          absolute, resolved against the config file's folder
 * @param commitInterval   the longest a transaction stays open
 * @param offsetsTopic     the compacted topic holding checkpoints
 * @param http             where {@code /metrics} and {@code /health} listen; null when {@code off}
 * @param maxInFlightBytes the bound on bytes accepted from sources and not yet committed
 */
public record AgentSettings(String id, Path pluginsDir, Path dataDir, Delivery delivery,
                            Duration commitInterval, String offsetsTopic,
                            InetSocketAddress http, long maxInFlightBytes) {

    /** Substituted like any value: the machine's host name unless HOSTNAME says otherwise. */
    public static final String DEFAULT_ID = "${HOSTNAME}";
    public static final Path DEFAULT_PLUGINS_DIR = Path.of("plugins");
    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final Delivery DEFAULT_DELIVERY = Delivery.EXACTLY_ONCE;
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    public static final Duration MAX_COMMIT_INTERVAL = Duration.ofHours(1);
    public static final String DEFAULT_OFFSETS_TOPIC = "_tributary_offsets";
    public static final String DEFAULT_HTTP = "127.0.0.1:9464";
    public static final String HTTP_OFF = "off";
    public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 16L << 20;
    public static final long MIN_MAX_IN_FLIGHT_BYTES = 1L << 20;
}
