package io.tributary.api;

import org.pf4j.ExtensionPoint;

/**
 * A kind of source a plugin offers, named by the {@code type} key of a source in the YAML file.
 *
 * <p>Implementations are PF4J {@code @Extension}s. The agent calls {@link #create} once per
 * configured source of this type, on its main thread, both when running and when only validating
 * ({@code tributary validate}); so {@code create} reads and checks the settings but opens no file,
 * socket or connection and starts no thread: that belongs in {@link SourceTask#start}.
 */
public interface SourceType extends ExtensionPoint {

    /** The value of {@code type:} that selects this source, e.g. {@code file}. Lower case, stable. */
    String name();

    /**
     * Reads and validates the source's settings and returns a task that is not started yet.
     *
     * <p>Read every key the source accepts through {@code settings}, even those you leave at their
     * default: a key nobody read is reported as unknown. Report problems with
     * {@link Settings#error(String, String)} instead of throwing, so the user sees every error at
     * once. When any error was reported the agent discards the returned task unstarted.
     *
     * <p>The agent reads the keys common to every source itself ({@code type}, {@code on_error},
     * {@code dead_letter_topic}); they are not visible here.
     */
    SourceTask create(Settings settings);

    /**
     * How this source's values look, when the source sets no {@code value_format}: what its
     * {@code transforms:} see. {@link ValueFormat#BYTES} unless overridden; a source whose values are
     * JSON objects returns {@link ValueFormat#JSON}, so that transforms see their fields.
     */
    default ValueFormat valueFormat() {
        return ValueFormat.BYTES;
    }
}
