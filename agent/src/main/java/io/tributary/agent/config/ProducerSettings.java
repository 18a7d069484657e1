package io.tributary.agent.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Checks {@code kafka.producer} against what the Kafka producer knows and what the agent needs,
 * so that a mistake there is reported with its line, like any other setting, instead of being
 * ignored (an unknown key) or failing at start with Kafka's own sentence (a conflicting one).
 */
final class ProducerSettings {

    /**
     * Not a producer setting, yet accepted here: a connection setting of the checkpoint consumer
     * (rack-aware fetching), which takes its connection settings from {@code kafka.producer}.
     */
    static final String CLIENT_RACK = CommonClientConfigs.CLIENT_RACK_CONFIG;

    /** Every key {@code kafka.producer} may hold, for "did you mean". */
    private static final Set<String> KNOWN = known();
    /** Kafka's config providers take settings of their own under this prefix. */
    private static final String CONFIG_PROVIDERS_PREFIX = "config.providers.";

    /** Producer configs the agent sets itself, and what to do instead. */
    private static final Map<String, String> AGENT_OWNED = Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "is set by the agent from kafka.bootstrap_servers; set that instead",
            ProducerConfig.INTERCEPTOR_CLASSES_CONFIG,
                    "is set by the agent from the interceptors section; list producer interceptors there with \"class\"",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "is set by the agent, which sends byte arrays",
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "is set by the agent, which sends byte arrays",
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    "is set by the agent to tributary-<agent.id>, one per agent so that a second agent fences the first;"
                            + " set agent.id instead",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    "is always true: agent.delivery exactly_once and at_least_once both write with the idempotent"
                            + " producer, so that a retried send is not written twice; remove it");

    /** The most in-flight requests per connection with which the idempotent producer keeps order. */
    private static final int MAX_IDEMPOTENT_IN_FLIGHT = 5;
    /** Kafka's default {@code transaction.timeout.ms}. */
    private static final long DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

    private ProducerSettings() {
    }

    private static Set<String> known() {
        Set<String> known = new TreeSet<>(ProducerConfig.configNames());
        known.add(CLIENT_RACK);
        return Collections.unmodifiableSet(known);
    }

    /**
     * Reads {@code kafka.producer}, reporting unknown keys, keys the agent sets itself, values the
     * producer would reject, and values that break {@code delivery}'s guarantee.
     */
    static Map<String, String> bind(YamlSettings section, Delivery delivery) {
        Map<String, String> producer = new LinkedHashMap<>();
        for (String key : section.keys()) {
            String value = section.getString(key, null);
            String problem = AGENT_OWNED.get(key);
            if (problem == null && !KNOWN.contains(key) && !key.startsWith(CONFIG_PROVIDERS_PREFIX)) {
                problem = "unknown setting" + DidYouMean.closest(key, KNOWN).map(known -> ", did you mean \"" + known + "\"?").orElse("");
            }
            if (problem == null && value != null) {
                String invalid = invalidValue(key, value, delivery);
                problem = invalid == null ? null : invalid + ", got " + section.written(key);
            }
            if (problem != null) {
                section.error(key, problem);
            } else if (value != null) {
                producer.put(key, value);
            }
        }
        return Collections.unmodifiableMap(producer);
    }

    /** Why {@code value} cannot be {@code key}'s; null when it can. */
    private static String invalidValue(String key, String value, Delivery delivery) {
        ConfigDef.ConfigKey definition = ProducerConfig.configDef().configKeys().get(key);
        if (definition == null) {
            return null;
        }
        Object parsed;
        try {
            // Class names are left to the producer: loading them here would run their static initialisers.
            if (definition.type == ConfigDef.Type.CLASS) {
                return null;
            }
            parsed = ConfigDef.parseType(key, value, definition.type);
            if (definition.validator != null) {
                definition.validator.ensureValid(key, parsed);
            }
        } catch (ConfigException invalid) {
            return kafkaReason(invalid);
        }
        return switch (key) {
            case ProducerConfig.ACKS_CONFIG -> value.equals("all") || value.equals("-1") ? null
                    : "must be all (or -1): agent.delivery " + delivery.yamlName() + " writes with the idempotent producer,"
                            + " which counts a record as written only once every in-sync replica has it";
            case ProducerConfig.RETRIES_CONFIG -> (Integer) parsed > 0 ? null
                    : "must be at least 1: agent.delivery " + delivery.yamlName() + " needs the producer to retry a send"
                            + " that failed for a passing reason";
            case ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION -> (Integer) parsed <= MAX_IDEMPOTENT_IN_FLIGHT ? null
                    : "must be at most " + MAX_IDEMPOTENT_IN_FLIGHT + ": with more, the idempotent producer that agent.delivery "
                            + delivery.yamlName() + " needs could not keep records in order";
            default -> null;
        };
    }

    /** Kafka's reason without its "Invalid value X for configuration Y:" preamble, lower-cased. */
    private static String kafkaReason(ConfigException invalid) {
        String message = invalid.getMessage() == null ? "" : invalid.getMessage();
        int preamble = message.indexOf(": ");
        String reason = message.startsWith("Invalid value") && preamble >= 0 ? message.substring(preamble + 2) : message;
        reason = reason.strip();
        if (reason.endsWith(".")) {
            reason = reason.substring(0, reason.length() - 1);
        }
        return reason.isEmpty() ? "is not valid for the Kafka producer"
                : reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }

    /**
     * Reports an {@code agent.commit_interval} the transaction coordinator would not wait for: in
     * exactly_once a transaction stays open for the commit interval and then the time its records
     * take to send, and the coordinator aborts one open longer than {@code transaction.timeout.ms}.
     */
    static void checkCommitInterval(YamlSettings agent, Duration commitInterval, Delivery delivery,
                                    YamlSettings producerSection, Map<String, String> producer) {
        boolean reportedAlready = commitInterval.isZero() || commitInterval.compareTo(AgentSettings.MAX_COMMIT_INTERVAL) > 0;
        if (delivery != Delivery.EXACTLY_ONCE || reportedAlready) {
            return;
        }
        String timeout = producer.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        long timeoutMs = timeout == null ? DEFAULT_TRANSACTION_TIMEOUT_MS : Long.parseLong(timeout.strip());
        if (commitInterval.toMillis() * 2 <= timeoutMs) {
            return;
        }
        String why = ": the transaction coordinator aborts a transaction open longer than transaction.timeout.ms, and one"
                + " stays open for agent.commit_interval and then the time its records take to send";
        if (agent.written("commit_interval") != null) {
            agent.error("commit_interval", "must be at most half of kafka.producer transaction.timeout.ms ("
                    + timeoutMs + " ms" + (timeout == null ? ", Kafka's default" : "") + "), got "
                    + agent.written("commit_interval") + why + "; shorten commit_interval or raise transaction.timeout.ms"
                    + " (brokers allow up to their transaction.max.timeout.ms, 15 minutes by default)");
        } else {
            producerSection.error(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "must be at least twice agent.commit_interval ("
                    + commitInterval.toMillis() + " ms), got " + producerSection.written(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG) + why);
        }
    }
}
