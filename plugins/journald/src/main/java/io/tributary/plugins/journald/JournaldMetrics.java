package io.tributary.plugins.journald;

import io.tributary.api.PluginMetrics;
import io.tributary.api.PluginMetrics.Counter;

/** The metrics of one journald source; names start with the source type, {@code journald.}. */
final class JournaldMetrics {
    final Counter entriesRead;
    final Counter entriesExcluded;
    final Counter cursorsLost;
    final Counter journalctlRestarts;

    JournaldMetrics(PluginMetrics metrics, EntryQueue queue) {
        entriesRead = metrics.counter("journald.entries.read", "Journal entries read from journalctl");
        entriesExcluded = metrics.counter("journald.entries.excluded",
                "Entries skipped because exclude_units names their unit");
        cursorsLost = metrics.counter("journald.cursor.lost",
                "Starts at a cursor whose entry the journal no longer holds (vacuumed): read on from the oldest entry after it");
        journalctlRestarts = metrics.counter("journald.journalctl.restarts",
                "Times journalctl exited or could not start, and was started again");
        metrics.gauge("journald.queue.bytes", "Bytes of entries read from journalctl and not yet handed to the agent",
                queue::bytes);
    }
}
