package io.tributary.plugins.jdbc;

import java.util.regex.Pattern;

/** Table and column names from the settings, which go into SQL text and so must be plain names. */
final class Identifiers {
    private static final String PART = "(?:[A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\"|`[^`]+`)";
    private static final Pattern TABLE = Pattern.compile(PART + "(?:\\." + PART + "){0,2}");
    private static final Pattern COLUMN = Pattern.compile(PART);

    private Identifiers() {
    }

    /** A table name, optionally qualified by schema (and catalog); parts may be quoted. */
    static boolean isTable(String name) {
        return TABLE.matcher(name).matches();
    }

    /** A column name, optionally quoted. */
    static boolean isColumn(String name) {
        return COLUMN.matcher(name).matches();
    }

    /** The name without its quotes. */
    static String unquote(String name) {
        if (name.length() >= 2 && (name.startsWith("\"") && name.endsWith("\"") || name.startsWith("`") && name.endsWith("`"))) {
            return name.substring(1, name.length() - 1);
        }
        return name;
    }
}
