package io.tributary.agent.transform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tributary.agent.config.OnError;
import io.tributary.agent.config.SourceConfig;
import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.api.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's transforms at work: called on the source's own thread with each poll, before the
 * records enter the in-flight buffer, so the buffer holds and counts what is really written.
 *
 * <p>Dropping never loses a checkpoint: a dropped record that carried one is replaced by a
 * checkpoint-only record, which writes nothing and commits the checkpoint in order. A transform
 * (or predicate) that throws on a record is dealt with as the source's {@code on_error} says:
 * {@code dead_letter} writes the record as it came to the {@code dead_letter_topic}, with the error
 * in the {@code tributary.error*} headers the commit thread's dead letters carry and the transform
 * in {@value #ERROR_TRANSFORM_HEADER}; {@code skip} drops it; {@code fail} hands over only what
 * precedes it, up to the last checkpoint before it, and {@link Result#failure()} says the source
 * must stop there. Counted per transform in {@code tributary.transform.errors} and
 * {@code tributary.transform.dropped}.
 */
public final class SourceTransforms implements AutoCloseable {
    static final String ERROR_TRANSFORM_HEADER = "tributary.error.transform";
    /** What errors of decoding or encoding the value are counted under: the source's value_format. */
    static final String VALUE_FORMAT = "value_format";
    private static final Logger log = LoggerFactory.getLogger(SourceTransforms.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    /**
     * What became of one poll's records.
     *
     * @param records what to hand over, in order
     * @param failure null, or why the source must stop after handing {@code records} over
     */
    public record Result(List<SourceRecord> records, String failure) {
    }

    private final ConfiguredTransforms configured;
    private final RecordCodec codec;
    private final String sourceName;
    private final OnError onError;
    private final String deadLetterTopic;
    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<String, Counter> counters = new HashMap<>();
    private final Map<String, Long> lastLogged = new HashMap<>();
    private final List<Meter> meters = new ArrayList<>();

    /** For a source without transforms: records go through as they are. */
    public static final SourceTransforms NONE = new SourceTransforms(null, null, null);

    SourceTransforms(ConfiguredTransforms configured, SourceConfig source, MeterRegistry registry) {
        this.configured = configured;
        this.codec = configured == null ? null : new RecordCodec(configured.format());
        this.sourceName = source == null ? null : source.name();
        this.onError = source == null ? null : source.onError();
        this.deadLetterTopic = source == null ? null : source.deadLetterTopic();
        this.registry = registry;
        this.tags = source == null ? Tags.empty() : Tags.of("source", source.name(), "source_type", source.type());
        if (configured != null && !configured.isEmpty()) {
            // Registered up front, so that dashboards see the zeros.
            counter(VALUE_FORMAT, onError);
            for (TransformStep step : configured.steps()) {
                counter(step.name(), null);
                counter(step.name(), onError);
            }
        }
    }

    /** Applies the transforms to one poll's records, in order. */
    public Result apply(List<SourceRecord> records) {
        if (configured == null || configured.isEmpty()) {
            return new Result(records, null);
        }
        List<SourceRecord> out = new ArrayList<>(records.size());
        try (LoaderSwap ignored = LoaderSwap.to(configured.loader())) {
            for (SourceRecord record : records) {
                if (record.isCheckpointOnly()) {
                    out.add(record);
                    continue;
                }
                String failure = transform(record, out);
                if (failure != null) {
                    return new Result(upToLastCheckpoint(out), failure);
                }
            }
        }
        return new Result(out, null);
    }

    /** Adds what becomes of {@code record} to {@code out}; non-null when the source must stop before it. */
    private String transform(SourceRecord record, List<SourceRecord> out) {
        String step = VALUE_FORMAT;
        try {
            org.apache.kafka.connect.source.SourceRecord connect = codec.decode(record);
            for (TransformStep transform : configured.steps()) {
                step = transform.name();
                connect = transform.apply(connect);
                if (connect == null) {
                    counter(step, null).increment();
                    if (record.checkpoint() != null) {
                        out.add(SourceRecord.checkpointOnly(record.checkpoint()));
                    }
                    return null;
                }
            }
            step = VALUE_FORMAT;
            out.add(codec.encode(connect, record.checkpoint()));
            return null;
        } catch (RuntimeException | LinkageError e) {
            return failed(record, step, e, out);
        }
    }

    private String failed(SourceRecord record, String step, Throwable error, List<SourceRecord> out) {
        counter(step, onError).increment();
        String what = "Source " + sourceName + ": transform " + step + " failed on a record for topic " + record.topic()
                + " (" + describe(error) + ")";
        switch (onError) {
            case DEAD_LETTER -> {
                out.add(deadLetter(record, step, error));
                logLimited(step, what + "; sent to dead-letter topic " + deadLetterTopic, error);
            }
            case SKIP -> {
                if (record.checkpoint() != null) {
                    out.add(SourceRecord.checkpointOnly(record.checkpoint()));
                }
                logLimited(step, what + "; skipped as on_error: skip says", error);
            }
            case FAIL -> {
                log.error("{}; the source stops as on_error: fail says. Its checkpoint stays before this record", what, error);
                return "stopped by on_error: fail on a record transform " + step + " failed on: " + describe(error);
            }
        }
        return null;
    }

    /** The record as the source made it, to the dead-letter topic, with the error in headers. */
    private SourceRecord deadLetter(SourceRecord record, String step, Throwable error) {
        SourceRecord.Builder builder = SourceRecord.builder(deadLetterTopic).key(record.key()).value(record.value())
                .checkpoint(record.checkpoint());
        record.headers().forEach(header -> builder.header(header.key(), header.value()));
        if (record.timestamp() != null) {
            builder.timestamp(record.timestamp());
        }
        return builder.header("tributary.error", describe(error))
                .header("tributary.error.topic", record.topic())
                .header("tributary.error.source", sourceName)
                .header("tributary.error.value.bytes", Integer.toString(record.value() == null ? 0 : record.value().length))
                .header(ERROR_TRANSFORM_HEADER, step.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    /**
     * What precedes a record the source stops at may be committed only up to a record carrying a
     * checkpoint: records after it would be committed without theirs, and be read again on restart.
     */
    private static List<SourceRecord> upToLastCheckpoint(List<SourceRecord> out) {
        int end = out.size();
        while (end > 0 && out.get(end - 1).checkpoint() == null) {
            end--;
        }
        return out.subList(0, end);
    }

    /** {@code tributary.transform.errors} by {@code action}, or with none {@code tributary.transform.dropped}. */
    private Counter counter(String transform, OnError action) {
        return counters.computeIfAbsent(transform + '\0' + action, k -> {
            Counter.Builder builder = action == null
                    ? Counter.builder("tributary.transform.dropped").description("Records a transform dropped; their checkpoints still commit")
                    : Counter.builder("tributary.transform.errors").description("Records a transform threw on, by what on_error did with them")
                            .tag("action", action.yamlName());
            Counter counter = builder.tags(tags).tag("transform", transform).register(registry);
            meters.add(counter);
            return counter;
        });
    }

    private void logLimited(String step, String message, Throwable error) {
        long now = System.nanoTime();
        Long last = lastLogged.get(step);
        if (last == null || now - last >= LOG_EVERY_NANOS) {
            lastLogged.put(step, now);
            log.warn("{} (logged at most once a minute per transform, counted in tributary.transform.errors)", message, error);
        }
    }

    /** Closes the transforms and removes their metrics; the source's thread calls it as it ends. */
    @Override
    public void close() {
        if (configured == null) {
            return;
        }
        configured.close();
        meters.forEach(registry::remove);
    }
}
