package io.tributary.plugins.syslog;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the values in Kafka with the ones sent; a failure names how many are missing, duplicated
 * or unexpected and the first few of each, instead of printing thousands of values.
 */
final class Delivered {
    private static final int SHOWN = 3;

    private Delivered() {
    }

    /** Every expected value is in {@code actual} exactly once, and nothing else is. */
    static void assertExactlyOnce(List<String> actual, Collection<String> expected) {
        Map<String, Integer> counts = new HashMap<>();
        actual.forEach(value -> counts.merge(value, 1, Integer::sum));
        Set<String> expectedSet = new HashSet<>(expected);
        List<String> missing = expected.stream().filter(value -> !counts.containsKey(value)).toList();
        List<String> duplicated = counts.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .map(entry -> entry.getValue() + " times: " + entry.getKey()).toList();
        List<String> unexpected = actual.stream().filter(value -> !expectedSet.contains(value)).toList();
        if (!missing.isEmpty() || !duplicated.isEmpty() || !unexpected.isEmpty()) {
            throw new AssertionError("of " + expected.size() + " values sent, Kafka holds " + actual.size() + ": "
                    + missing.size() + " missing" + first(missing) + ", " + duplicated.size() + " duplicated"
                    + first(duplicated) + ", " + unexpected.size() + " unexpected" + first(unexpected));
        }
    }

    /** {@code actual} holds {@code expected} exactly once each, and in the same order. */
    static void assertExactlyOnceInOrder(List<String> actual, List<String> expected) {
        assertExactlyOnce(actual, expected);
        for (int i = 0; i < expected.size(); i++) {
            if (!actual.get(i).equals(expected.get(i))) {
                throw new AssertionError("value " + i + " is out of order: expected\n  " + expected.get(i)
                        + "\nbut Kafka holds\n  " + actual.get(i));
            }
        }
    }

    private static String first(List<String> values) {
        if (values.isEmpty()) {
            return "";
        }
        return " (first: " + String.join(" | ", values.subList(0, Math.min(SHOWN, values.size()))) + ")";
    }
}
