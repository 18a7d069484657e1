package io.tributary.plugins.syslog;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses one syslog message: RFC 5424 strictly in structure (lenient only on field lengths), RFC
 * 3164 as real senders write it (no year, maybe no hostname, a tag with or without a pid, or an
 * RFC 3339 timestamp as rsyslog's forwarding templates send). Thread-safe.
 */
final class SyslogParser {
    private static final byte SP = ' ';
    private static final byte NIL = '-';
    private static final String[] MONTHS = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    };
    /** RFC 3164 tags are at most 32 characters; real ones reach RFC 5424's APP-NAME limit. */
    private static final int MAX_TAG_LENGTH = 48;
    /** A message whose timestamp lies further ahead than this was sent in the previous year. */
    private static final int FUTURE_TOLERANCE_DAYS = 31;

    private final Format format;
    private final ZoneId timezone;
    private final Clock clock;

    /**
     * @param format   {@link Format#AUTO}, {@link Format#RFC5424} or {@link Format#RFC3164}
     * @param timezone for RFC 3164 timestamps, which carry no offset
     * @param clock    gives the year RFC 3164 timestamps lack
     */
    SyslogParser(Format format, ZoneId timezone, Clock clock) {
        if (format == Format.RAW) {
            throw new IllegalArgumentException("raw messages are not parsed");
        }
        this.format = format;
        this.timezone = timezone;
        this.clock = clock;
    }

    SyslogMessage parse(byte[] frame) throws MalformedMessageException {
        Cursor cursor = new Cursor(frame);
        int priority = parsePriority(cursor);
        boolean rfc5424 = switch (format) {
            case RFC5424 -> true;
            case RFC3164 -> false;
            default -> looksLikeVersion(cursor);
        };
        return rfc5424 ? parse5424(cursor, priority) : parse3164(cursor, priority);
    }

    private static int parsePriority(Cursor cursor) throws MalformedMessageException {
        if (!cursor.skip('<')) {
            throw new MalformedMessageException("does not start with a priority like <13>");
        }
        int start = cursor.pos;
        int priority = 0;
        while (cursor.hasMore() && isDigit(cursor.peek()) && cursor.pos - start < 3) {
            priority = priority * 10 + (cursor.next() - '0');
        }
        if (cursor.pos == start || !cursor.skip('>')) {
            throw new MalformedMessageException("the priority must be 1 to 3 digits between < and >");
        }
        if (priority > Priority.MAX) {
            throw new MalformedMessageException("the priority must be at most " + Priority.MAX + ", got " + priority);
        }
        return priority;
    }

    /** RFC 5424 puts {@code VERSION SP} right after the priority; RFC 3164 never starts with a digit and a space. */
    private static boolean looksLikeVersion(Cursor cursor) {
        int digits = 0;
        while (cursor.pos + digits < cursor.end && isDigit(cursor.bytes[cursor.pos + digits])) {
            digits++;
        }
        return digits >= 1 && digits <= 3 && cursor.bytes[cursor.pos] != '0'
                && cursor.pos + digits < cursor.end && cursor.bytes[cursor.pos + digits] == SP;
    }

    private static SyslogMessage parse5424(Cursor cursor, int priority) throws MalformedMessageException {
        Text version = cursor.token("version");
        if (!version.isSingleByte((byte) '1')) {
            throw new MalformedMessageException("RFC 5424 version must be 1, got \"" + version + "\"");
        }
        cursor.expectSpace("version");
        Text timestamp = nilToNull(cursor.token("timestamp"));
        if (timestamp != null) {
            Rfc3339.check(timestamp);
        }
        cursor.expectSpace("timestamp");
        Text hostname = nilToNull(cursor.token("hostname"));
        cursor.expectSpace("hostname");
        Text appName = nilToNull(cursor.token("app-name"));
        cursor.expectSpace("app-name");
        Text procid = nilToNull(cursor.token("procid"));
        cursor.expectSpace("procid");
        Text msgid = nilToNull(cursor.token("msgid"));
        cursor.expectSpace("msgid");
        Map<String, Map<String, Object>> structuredData = parseStructuredData(cursor);
        Text message = null;
        if (cursor.hasMore()) {
            cursor.expectSpace("structured data");
            message = cursor.rest();
        }
        return SyslogMessage.parsed(timestamp, hostname, appName, procid, msgid, Priority.facility(priority),
                Priority.severity(priority), structuredData, message);
    }

    private static Map<String, Map<String, Object>> parseStructuredData(Cursor cursor)
            throws MalformedMessageException {
        if (!cursor.hasMore()) {
            throw new MalformedMessageException("the structured data is missing");
        }
        if (cursor.peek() == '-') {
            cursor.next();
            return Collections.emptyMap();
        }
        if (cursor.peek() != '[') {
            throw new MalformedMessageException("the structured data must be - or start with [");
        }
        Map<String, Map<String, Object>> elements = new LinkedHashMap<>();
        while (cursor.hasMore() && cursor.peek() == '[') {
            cursor.next();
            String id = sdName(cursor, "SD-ID");
            // RFC 5424 forbids repeating an SD-ID; merging keeps every value a careless sender wrote.
            Map<String, Object> params = elements.computeIfAbsent(id, ignored -> new LinkedHashMap<>());
            while (cursor.hasMore() && cursor.peek() == SP) {
                cursor.next();
                String name = sdName(cursor, "param name in [" + id + "]");
                if (!cursor.skip('=') || !cursor.skip('"')) {
                    throw new MalformedMessageException("param " + name + " in [" + id + "] needs =\"value\"");
                }
                addParam(params, name, paramValue(cursor, id, name));
            }
            if (!cursor.skip(']')) {
                throw new MalformedMessageException("structured data element [" + id + "] is not closed by ]");
            }
        }
        return elements;
    }

    /** SD-NAME: 1 to 32 printable ASCII characters except {@code = SP ] "}; longer names are taken. */
    private static String sdName(Cursor cursor, String what) throws MalformedMessageException {
        int start = cursor.pos;
        while (cursor.hasMore()) {
            byte b = cursor.peek();
            if (b <= SP || b == '=' || b == ']' || b == '"' || b == 127) {
                break;
            }
            cursor.next();
        }
        if (cursor.pos == start) {
            throw new MalformedMessageException("structured data has an empty or invalid " + what);
        }
        return new String(cursor.bytes, start, cursor.pos - start, StandardCharsets.UTF_8);
    }

    /** PARAM-VALUE up to the closing quote; {@code \"}, {@code \\} and {@code \]} are escapes, any other backslash is literal. */
    private static String paramValue(Cursor cursor, String id, String name) throws MalformedMessageException {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        while (cursor.hasMore()) {
            byte b = cursor.next();
            if (b == '"') {
                return value.toString(StandardCharsets.UTF_8);
            }
            if (b == '\\' && cursor.hasMore()) {
                byte escaped = cursor.peek();
                if (escaped == '"' || escaped == '\\' || escaped == ']') {
                    cursor.next();
                    b = escaped;
                }
            }
            value.write(b);
        }
        throw new MalformedMessageException("the value of param " + name + " in [" + id + "] has no closing quote");
    }

    @SuppressWarnings("unchecked")
    private static void addParam(Map<String, Object> params, String name, String value) {
        Object previous = params.get(name);
        if (previous == null) {
            params.put(name, value);
        } else if (previous instanceof List<?> list) {
            ((List<String>) list).add(value);
        } else {
            List<String> values = new ArrayList<>(2);
            values.add((String) previous);
            values.add(value);
            params.put(name, values);
        }
    }

    private SyslogMessage parse3164(Cursor cursor, int priority) throws MalformedMessageException {
        Text timestamp = rfc3339Timestamp(cursor);
        if (timestamp == null) {
            timestamp = Text.of(bsdTimestamp(cursor));
        }
        Text hostname = null;
        if (timestamp != null) {
            cursor.skipSpaces();
            hostname = hostname(cursor);
        }
        Text appName = null;
        Text procid = null;
        int tagStart = cursor.pos;
        int nameEnd = tagStart;
        while (nameEnd < cursor.end && nameEnd - tagStart <= MAX_TAG_LENGTH && isTagChar(cursor.bytes[nameEnd])) {
            nameEnd++;
        }
        int tagEnd = nameEnd;
        int pidStart = -1;
        if (tagEnd < cursor.end && cursor.bytes[tagEnd] == '[') {
            pidStart = tagEnd + 1;
            tagEnd = pidStart;
            while (tagEnd < cursor.end && cursor.bytes[tagEnd] != ']' && cursor.bytes[tagEnd] > SP) {
                tagEnd++;
            }
            tagEnd = tagEnd < cursor.end && cursor.bytes[tagEnd] == ']' ? tagEnd + 1 : -1;
        }
        boolean isTag = nameEnd > tagStart && nameEnd - tagStart <= MAX_TAG_LENGTH && tagEnd > 0
                && tagEnd < cursor.end && cursor.bytes[tagEnd] == ':'
                && (tagEnd + 1 == cursor.end || cursor.bytes[tagEnd + 1] == SP);
        if (isTag) {
            appName = Text.slice(cursor.bytes, tagStart, nameEnd);
            if (pidStart >= 0 && tagEnd - 1 > pidStart) {
                procid = Text.slice(cursor.bytes, pidStart, tagEnd - 1);
            }
            cursor.pos = Math.min(tagEnd + 2, cursor.end);
        }
        return SyslogMessage.parsed(timestamp, hostname, appName, procid, null, Priority.facility(priority),
                Priority.severity(priority), Collections.emptyMap(), cursor.rest());
    }

    private static boolean isTagChar(byte b) {
        return b > SP && b != '[' && b != ']' && b != ':' && b != 127;
    }

    /** The token before the next space, when it looks like a host name rather than a tag or text. */
    private static Text hostname(Cursor cursor) {
        int end = cursor.pos;
        while (end < cursor.end && cursor.bytes[end] != SP) {
            byte b = cursor.bytes[end];
            boolean hostChar = isDigit(b) || (b | 0x20) >= 'a' && (b | 0x20) <= 'z' || b == '.' || b == '-'
                    || b == '_' || b == ':' || b == '%';
            if (!hostChar) {
                return null;
            }
            end++;
        }
        if (end == cursor.pos || end == cursor.end || cursor.bytes[end - 1] == ':') {
            return null;
        }
        Text hostname = Text.slice(cursor.bytes, cursor.pos, end);
        cursor.pos = end + 1;
        return hostname;
    }

    /** rsyslog's forwarding templates put an RFC 3339 timestamp where RFC 3164 has its own. */
    private Text rfc3339Timestamp(Cursor cursor) throws MalformedMessageException {
        int end = cursor.pos;
        while (end < cursor.end && cursor.bytes[end] != SP) {
            end++;
        }
        int length = end - cursor.pos;
        if (length < 19 || !isDigit(cursor.bytes[cursor.pos]) || cursor.bytes[cursor.pos + 4] != '-'
                || cursor.bytes[cursor.pos + 10] != 'T') {
            return null;
        }
        Text timestamp = Text.slice(cursor.bytes, cursor.pos, end);
        String text = new String(cursor.bytes, cursor.pos, length, StandardCharsets.US_ASCII);
        cursor.pos = end;
        if (hasOffset(text)) {
            Rfc3339.check(timestamp);
            return timestamp;
        }
        try {
            return Text.of(format(LocalDateTime.parse(text).atZone(timezone)));
        } catch (DateTimeException e) {
            throw new MalformedMessageException("invalid timestamp \"" + text + "\"");
        }
    }

    private static boolean hasOffset(String timestamp) {
        int timeStart = timestamp.indexOf('T');
        return timestamp.endsWith("Z") || timestamp.indexOf('+', timeStart) > 0 || timestamp.indexOf('-', timeStart) > 0;
    }

    /** {@code Mmm dd hh:mm:ss}, the day space-padded, with an optional fraction, or a year before the time as Cisco sends. */
    private String bsdTimestamp(Cursor cursor) throws MalformedMessageException {
        int start = cursor.pos;
        int month = month(cursor);
        if (month < 0) {
            return null;
        }
        cursor.skipSpaces();
        int day = cursor.number(2);
        if (day < 0 || !cursor.skip(' ')) {
            cursor.pos = start;
            return null;
        }
        int year = -1;
        int mark = cursor.pos;
        int maybeYear = cursor.number(4);
        if (maybeYear >= 0 && cursor.pos - mark == 4 && cursor.skip(' ')) {
            year = maybeYear;
        } else {
            cursor.pos = mark;
        }
        int hour = cursor.number(2);
        int minute = cursor.skip(':') ? cursor.number(2) : -1;
        int second = cursor.skip(':') ? cursor.number(2) : -1;
        if (hour < 0 || minute < 0 || second < 0) {
            cursor.pos = start;
            return null;
        }
        int nanos = 0;
        if (cursor.hasMore() && cursor.peek() == '.') {
            cursor.next();
            int fractionStart = cursor.pos;
            int fraction = cursor.number(9);
            int digits = cursor.pos - fractionStart;
            if (fraction < 0) {
                cursor.pos = start;
                return null;
            }
            nanos = fraction * (int) Math.pow(10, 9 - digits);
        }
        if (cursor.hasMore() && cursor.peek() != SP) {
            cursor.pos = start;
            return null;
        }
        try {
            LocalTime time = LocalTime.of(hour, minute, second, nanos);
            ZonedDateTime when = year >= 0
                    ? LocalDateTime.of(LocalDate.of(year, month, day), time).atZone(timezone)
                    : withLikelyYear(month, day, time);
            return format(when);
        } catch (DateTimeException e) {
            throw new MalformedMessageException("invalid timestamp \""
                    + new String(cursor.bytes, start, cursor.pos - start, StandardCharsets.US_ASCII) + "\"");
        }
    }

    /**
     * This year, unless that puts the message well in the future (a December message read in January)
     * or this year has no such day (Feb 29): then the latest year before it that has that day.
     */
    private ZonedDateTime withLikelyYear(int month, int day, LocalTime time) {
        MonthDay date = MonthDay.of(month, day);
        ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(timezone);
        int year = now.getYear();
        if (!date.isValidYear(year) || date.atYear(year).atTime(time).atZone(timezone)
                .isAfter(now.plusDays(FUTURE_TOLERANCE_DAYS))) {
            year--;
            while (!date.isValidYear(year)) {
                year--;
            }
        }
        return date.atYear(year).atTime(time).atZone(timezone);
    }

    private static int month(Cursor cursor) {
        if (cursor.end - cursor.pos < 4 || cursor.bytes[cursor.pos + 3] != SP) {
            return -1;
        }
        String name = new String(cursor.bytes, cursor.pos, 3, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        for (int i = 0; i < MONTHS.length; i++) {
            if (MONTHS[i].equals(name)) {
                cursor.pos += 3;
                return i + 1;
            }
        }
        return -1;
    }

    private static String format(ZonedDateTime when) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(when.toOffsetDateTime());
    }

    private static Text nilToNull(Text token) {
        return token.isSingleByte(NIL) ? null : token;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** A read position in one message's bytes. */
    private static final class Cursor {
        private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

        final byte[] bytes;
        final int end;
        int pos;

        Cursor(byte[] bytes) {
            this.bytes = bytes;
            this.end = bytes.length;
        }

        boolean hasMore() {
            return pos < end;
        }

        byte peek() {
            return bytes[pos];
        }

        byte next() {
            return bytes[pos++];
        }

        boolean skip(char expected) {
            if (pos < end && bytes[pos] == expected) {
                pos++;
                return true;
            }
            return false;
        }

        void skipSpaces() {
            while (pos < end && bytes[pos] == SP) {
                pos++;
            }
        }

        /** Up to {@code maxDigits} digits as a number, or -1 when none. */
        int number(int maxDigits) {
            int start = pos;
            int value = 0;
            while (pos < end && pos - start < maxDigits && isDigit(bytes[pos])) {
                value = value * 10 + (bytes[pos++] - '0');
            }
            return pos == start ? -1 : value;
        }

        /** The run of bytes up to the next space; never empty. */
        Text token(String field) throws MalformedMessageException {
            int start = pos;
            while (pos < end && bytes[pos] != SP) {
                pos++;
            }
            if (pos == start) {
                throw new MalformedMessageException("the " + field + " is empty");
            }
            return Text.slice(bytes, start, pos);
        }

        void expectSpace(String after) throws MalformedMessageException {
            if (!skip(' ')) {
                throw new MalformedMessageException(pos < end
                        ? "expected a space after the " + after
                        : "the message ends after the " + after);
            }
        }

        /** The rest as text; a leading BOM (RFC 5424's mark of UTF-8) is dropped. */
        Text rest() {
            int start = pos;
            if (end - start >= 3 && bytes[start] == BOM[0] && bytes[start + 1] == BOM[1] && bytes[start + 2] == BOM[2]) {
                start += 3;
            }
            pos = end;
            return Text.slice(bytes, start, end);
        }
    }
}
