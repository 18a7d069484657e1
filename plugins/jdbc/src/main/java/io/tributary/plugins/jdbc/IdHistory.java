package io.tributary.plugins.jdbc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The highest committed id of one table as seen at earlier polls, to bound incrementing reads.
 *
 * <p>Ids come from a sequence, so a transaction takes ids above every id taken before it started.
 * An id observed committed at a time at or before the horizon (the start of the oldest transaction
 * still open) is therefore below every id an open transaction holds: reading up to it skips none.
 * Observations are kept only when the id grows, oldest first; past the cap every second one is
 * dropped, which only makes a later bound smaller, never wrong.
 */
final class IdHistory {
    static final int MAX_OBSERVATIONS = 1024;

    private final List<Observation> observations = new ArrayList<>();

    /** Records that every id up to {@code maxId} was committed and visible before {@code time}. */
    void observe(Instant time, long maxId) {
        if (!observations.isEmpty() && observations.get(observations.size() - 1).maxId() >= maxId) {
            return;
        }
        observations.add(new Observation(time, maxId));
        if (observations.size() > MAX_OBSERVATIONS) {
            for (int i = observations.size() - 2; i > 0; i -= 2) {
                observations.remove(i);
            }
        }
    }

    /** The highest id safe to read given {@code horizon}; empty when no observation is old enough. */
    OptionalLong safeBound(Instant horizon) {
        int newestBefore = -1;
        for (int i = 0; i < observations.size() && !observations.get(i).time().isAfter(horizon); i++) {
            newestBefore = i;
        }
        if (newestBefore < 0) {
            return OptionalLong.empty();
        }
        // The horizon only moves forward: older observations can never be the answer again.
        observations.subList(0, newestBefore).clear();
        return OptionalLong.of(observations.get(0).maxId());
    }

    /** The highest id observed committed, safe or not yet; empty before the first observation. */
    OptionalLong newestMaxId() {
        return observations.isEmpty() ? OptionalLong.empty() : OptionalLong.of(observations.get(observations.size() - 1).maxId());
    }

    private record Observation(Instant time, long maxId) {
    }
}
