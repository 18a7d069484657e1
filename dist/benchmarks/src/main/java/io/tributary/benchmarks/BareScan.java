package io.tributary.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baseline of case 4, run in a JVM of its own as the agent is: one {@code SELECT *} of a table
 * in id order through a cursor of the given fetch size, reading every column as the conversion to
 * JSON must, timed from the first row returned to the last.
 *
 * <pre>
 * BareScan URL USER TABLE FETCH_SIZE
 * </pre>
 * Prints one line that {@link Result#parse} reads.
 */
final class BareScan {
    private static final Pattern RESULT = Pattern.compile("bare scan: (\\d+) rows, (\\d+) ns from the first row to the last");

    private BareScan() {
    }

    public static void main(String[] args) throws SQLException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: BareScan URL USER TABLE FETCH_SIZE");
        }
        try (Connection connection = DriverManager.getConnection(args[0], args[1], "")) {
            // PostgreSQL reads through a cursor, fetch size rows at a time, only inside a transaction.
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement("SELECT * FROM " + args[2] + " ORDER BY id")) {
                statement.setFetchSize(Integer.parseInt(args[3]));
                try (ResultSet result = statement.executeQuery()) {
                    int columns = result.getMetaData().getColumnCount();
                    Object[] row = new Object[columns];
                    long rows = 0;
                    long first = 0;
                    while (result.next()) {
                        if (rows == 0) {
                            first = System.nanoTime();
                        }
                        for (int column = 1; column <= columns; column++) {
                            row[column - 1] = result.getObject(column);
                        }
                        rows++;
                    }
                    System.out.println(new Result(rows, System.nanoTime() - first).line());
                }
            }
            connection.commit();
        }
    }

    /** What a scan read, and how long it took from its first row to its last. */
    record Result(long rows, long firstToLastNanos) {

        String line() {
            return "bare scan: " + rows + " rows, " + firstToLastNanos + " ns from the first row to the last";
        }

        double rowsPerSecond() {
            return rows * 1e9 / Math.max(1, firstToLastNanos);
        }

        /**
         * The result line in a scan's {@code output}.
         *
         * @throws IllegalStateException when there is none
         */
        static Result parse(Iterable<String> output) {
            for (String line : output) {
                Matcher matcher = RESULT.matcher(line);
                if (matcher.matches()) {
                    return new Result(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)));
                }
            }
            throw new IllegalStateException("the bare scan printed no line like \"" + new Result(0, 0).line() + "\"");
        }
    }
}
