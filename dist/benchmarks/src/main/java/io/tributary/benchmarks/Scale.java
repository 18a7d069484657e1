package io.tributary.benchmarks;

import java.time.Duration;

/**
 * How big and how often: the quick scale is for developing the harness (one run per case, small
 * sizes), the full scale gives the figures (medians of three runs, sizes that run for seconds).
 *
 * @param runs               runs per case; figures are their medians
 * @param smallRecords       records of the 100 B file case
 * @param largeRecords       records of the 1 KiB file case
 * @param syslogWarmUpMessages messages the syslog TCP case sends, unmeasured, before those it measures
 *                             (to each contender, on a connection of their own, waiting until they are in Kafka).
 *                             Full scale sends 3,000,000: after 500,000 the agent's compiler threads still used
 *                             about 40 % of its CPU while the measured messages went through, after 3,000,000 about 15 %
 * @param syslogMessages     messages of the syslog TCP case
 * @param udpRampStep        how long the syslog UDP case sends at each rate of its ramp
 * @param udpMessages        messages the syslog UDP case sends at 80 % of the ramp's maximum
 * @param jdbcRows           rows of the jdbc case's table
 * @param jdbcLagRows        rows of the jdbc lag case that are measured
 * @param latencyWarmupLines lines of the latency case appended before measuring
 * @param latencyLines       lines of the latency case that are measured
 * @param outage             how long the memory case keeps the broker stopped
 * @param journalEntries     entries of the journald case's journal
 * @param coldStartRuns      runs of the cold-start case, each a few seconds: start-up times scatter more than rates
 * @param defaultsSmallRecords records of the file-defaults case's 100 B file
 * @param defaultsLargeRecords records of the file-defaults case's 1 KiB file
 */
record Scale(String name, int runs, int smallRecords, int largeRecords, int syslogWarmUpMessages, int syslogMessages,
             Duration udpRampStep, int udpMessages, int jdbcRows, int jdbcLagRows, int latencyWarmupLines, int latencyLines,
             Duration outage, int journalEntries, int coldStartRuns, int defaultsSmallRecords,
             int defaultsLargeRecords) {

    static final Scale QUICK = new Scale("quick", 1, 200_000, 50_000, 50_000, 100_000, Duration.ofSeconds(1),
            100_000, 100_000, 200, 100, 500, Duration.ofSeconds(30), 100_000, 3,
            200_000, 50_000);
    static final Scale FULL = new Scale("full", 3, 2_000_000, 500_000, 3_000_000, 1_000_000, Duration.ofSeconds(2),
            1_000_000, 1_000_000, 1_000, 100, 1_500, Duration.ofSeconds(60), 500_000, 7,
            1_000_000, 400_000);
}
