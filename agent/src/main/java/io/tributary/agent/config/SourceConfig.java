package io.tributary.agent.config;

/**
 * One entry under {@code sources:}.
 *
 * @param name            its key under {@code sources:}, used in checkpoints and metrics
 * @param type            the source type a plugin offers, e.g. {@code file}
 * @param deadLetterTopic where records go when {@code onError} is {@link OnError#DEAD_LETTER}
 * @param transforms      its {@code value_format}, {@code transforms} and {@code predicates}
 * @param settings        the plugin's keys; those the agent reads ({@code type}, {@code on_error},
 *                        {@code dead_letter_topic} and the three above) are hidden from it. Call
 *                        {@link YamlSettings#finish()} after the plugin read them to report
 *                        unknown keys.
 */
public record SourceConfig(String name, String type, OnError onError, String deadLetterTopic,
                           TransformsConfig transforms, YamlSettings settings) {

    public static final OnError DEFAULT_ON_ERROR = OnError.DEAD_LETTER;
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "tributary.dead_letter";
}
