package io.tributary.agent.config;

/**
 * A scalar of the YAML file before and after {@code ${...}} substitution.
 *
 * @param written the text as written in the file: the only form error messages may quote
 * @param value   the text after substitution; null when substitution failed (already reported)
 * @param isNull  YAML null ({@code ~}, {@code null} or nothing), which getters treat as absent
 * @param plain   unquoted and untouched by substitution, so it may stand for a number or boolean
 */
record Scalar(String written, String value, boolean isNull, boolean plain) {

    boolean hasValue() {
        return !isNull && value != null;
    }
}
