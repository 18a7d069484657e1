package io.tributary.plugins.syslog;

import java.time.Month;
import java.time.Year;

/**
 * Checks an RFC 3339 timestamp as RFC 5424 §6.2.3 writes it, {@code 2003-10-11T22:14:15.003Z} or
 * with an offset such as {@code +02:00}, without turning it into a date: a regex and
 * {@code OffsetDateTime.parse} cost more than the rest of a message's parse. Accepts exactly what
 * {@code OffsetDateTime.parse} accepts in that shape.
 */
final class Rfc3339 {
    /** RFC 5424 §6.2.3 allows at most 6 fraction digits; senders with nanoseconds are taken too. */
    private static final int MAX_FRACTION_DIGITS = 9;
    private static final int FRACTION_START = 19;
    private static final int MAX_OFFSET_MINUTES = 18 * 60;

    private Rfc3339() {
    }

    /** Checks the timestamp {@code text}, a slice of received bytes. */
    static void check(Text text) throws MalformedMessageException {
        Chars timestamp = new Chars(text.bytes(), text.start(), text.end());
        int offsetStart = offsetStart(timestamp);
        if (offsetStart < 0 || !isOffset(timestamp, offsetStart)) {
            throw new MalformedMessageException("invalid timestamp \"" + text
                    + "\": must be like 2003-10-11T22:14:15.003Z");
        }
        if (!isRealDateAndTime(timestamp, offsetStart)) {
            throw new MalformedMessageException("invalid timestamp \"" + text + "\": no such date or time");
        }
    }

    /**
     * The bytes of a timestamp, each read as the character of its value: a byte of a multi-byte UTF-8
     * sequence is no digit or separator, so a timestamp holding one fails as its decoded text would.
     */
    private record Chars(byte[] bytes, int start, int end) {
        int length() {
            return end - start;
        }

        char charAt(int index) {
            return (char) (bytes[start + index] & 0xFF);
        }
    }

    /** Where the offset begins after {@code yyyy-mm-ddThh:mm:ss[.fraction]}, or -1 when that is not there. */
    private static int offsetStart(Chars text) {
        boolean dateAndTime = text.length() > FRACTION_START
                && digits(text, 0, 4) && text.charAt(4) == '-' && digits(text, 5, 2) && text.charAt(7) == '-'
                && digits(text, 8, 2) && text.charAt(10) == 'T' && digits(text, 11, 2) && text.charAt(13) == ':'
                && digits(text, 14, 2) && text.charAt(16) == ':' && digits(text, 17, 2);
        if (!dateAndTime) {
            return -1;
        }
        if (text.charAt(FRACTION_START) != '.') {
            return FRACTION_START;
        }
        int end = FRACTION_START + 1;
        while (end < text.length() && isDigit(text.charAt(end))) {
            end++;
        }
        int fractionDigits = end - FRACTION_START - 1;
        return fractionDigits >= 1 && fractionDigits <= MAX_FRACTION_DIGITS ? end : -1;
    }

    /** {@code Z}, or {@code +hh:mm} or {@code -hh:mm}, ending the text. */
    private static boolean isOffset(Chars text, int start) {
        int length = text.length() - start;
        if (length == 1) {
            return text.charAt(start) == 'Z';
        }
        return length == 6 && (text.charAt(start) == '+' || text.charAt(start) == '-') && digits(text, start + 1, 2)
                && text.charAt(start + 3) == ':' && digits(text, start + 4, 2);
    }

    private static boolean isRealDateAndTime(Chars text, int offsetStart) {
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        if (month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))) {
            return false;
        }
        if (number(text, 11, 2) > 23 || number(text, 14, 2) > 59 || number(text, 17, 2) > 59) {
            return false;
        }
        if (text.charAt(offsetStart) == 'Z') {
            return true;
        }
        int offsetMinutes = number(text, offsetStart + 4, 2);
        return offsetMinutes <= 59 && number(text, offsetStart + 1, 2) * 60 + offsetMinutes <= MAX_OFFSET_MINUTES;
    }

    private static boolean digits(Chars text, int start, int count) {
        for (int i = start; i < start + count; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int number(Chars text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            value = value * 10 + text.charAt(i) - '0';
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
