package io.tributary.plugins.jdbc;

import java.sql.SQLException;
import java.util.regex.Pattern;

/** Database errors as one line a user reads in {@code validate} output, logs and {@code /health}. */
final class SqlErrors {
    /** MariaDB's connection number: different on every attempt, meaningless to the user. */
    private static final Pattern MARIADB_CONNECTION = Pattern.compile("^\\(conn=\\d+\\) ");
    /** H2 ends its first line with this and repeats the statement on the next. */
    private static final Pattern H2_STATEMENT_FOLLOWS = Pattern.compile("; SQL statement:$");

    private SqlErrors() {
    }

    /**
     * The first line of the message (PostgreSQL adds the position, H2 the statement, on lines of
     * their own), with the cause's message when it says more.
     */
    static String describe(SQLException e) {
        String message = oneLine(e.getMessage());
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null) {
            String causeMessage = oneLine(cause.getMessage());
            if (message == null || !message.contains(causeMessage)) {
                message = message + " (" + causeMessage + ")";
            }
        }
        return message;
    }

    private static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        String firstLine = message.lines().findFirst().orElse("").strip();
        return H2_STATEMENT_FOLLOWS.matcher(MARIADB_CONNECTION.matcher(firstLine).replaceFirst("")).replaceFirst("");
    }
}
