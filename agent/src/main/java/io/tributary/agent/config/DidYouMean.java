package io.tributary.agent.config;

import java.util.Collection;
import java.util.Optional;

/** Finds the known key an unknown key was probably meant to be. */
public final class DidYouMean {

    private static final int MAX_DISTANCE = 2;
    private static final int MIN_PREFIX_LENGTH = 3;

    private DidYouMean() {
    }

    /**
     * The closest of {@code known} within {@value #MAX_DISTANCE} edits (a swap of neighbours counts
     * as one), else one that starts with {@code unknown} or that {@code unknown} starts with.
     */
    public static Optional<String> closest(String unknown, Collection<String> known) {
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String candidate : known) {
            int distance = distance(unknown, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        return known.stream().filter(candidate -> isPrefixMatch(unknown, candidate)).findFirst();
    }

    private static boolean isPrefixMatch(String unknown, String candidate) {
        String shorter = unknown.length() < candidate.length() ? unknown : candidate;
        String longer = shorter == unknown ? candidate : unknown;
        return shorter.length() >= MIN_PREFIX_LENGTH && longer.startsWith(shorter);
    }

    /** Damerau-Levenshtein distance in its optimal-string-alignment form. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
