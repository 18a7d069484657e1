package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyslogParserTest {
    static final Clock NOW = Clock.fixed(Instant.parse("2026-11-23T18:40:00Z"), ZoneOffset.UTC);
    private static final String BOM = "\uFEFF";

    private final SyslogParser auto = new SyslogParser(Format.AUTO, ZoneOffset.UTC, NOW);

    @Test
    void rfc5424Example1WithBomInMessage() throws Exception {
        SyslogMessage message = auto.parse(bytes("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
                + BOM + "'su root' failed for lonvick on /dev/pts/8"));

        assertThat(message).isEqualTo(new SyslogMessage("2003-10-11T22:14:15.003Z", "mymachine.example.com", "su",
                null, "ID47", 4, 2, Map.of(), "'su root' failed for lonvick on /dev/pts/8"));
    }

    @Test
    void rfc5424Example2WithMicrosecondsAndNegativeOffset() throws Exception {
        SyslogMessage message = auto.parse(bytes(
                "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts."));

        assertThat(message).isEqualTo(new SyslogMessage("2003-08-24T05:14:15.000003-07:00", "192.0.2.1", "myproc",
                "8710", null, 20, 5, Map.of(), "%% It's time to make the do-nuts."));
    }

    @Test
    void rfc5424Example3WithStructuredDataAndMessage() throws Exception {
        SyslogMessage message = auto.parse(bytes("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47"
                + " [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] " + BOM
                + "An application event log entry..."));

        assertThat(message.structuredData()).containsExactly(Map.entry("exampleSDID@32473",
                Map.of("iut", "3", "eventSource", "Application", "eventID", "1011")));
        assertThat(message.structuredData().get("exampleSDID@32473").keySet())
                .containsExactly("iut", "eventSource", "eventID");
        assertThat(message.message()).isEqualTo("An application event log entry...");
        assertThat(message.appName()).isEqualTo("evntslog");
        assertThat(message.procid()).isNull();
    }

    @Test
    void rfc5424Example4WithTwoElementsAndNoMessage() throws Exception {
        SyslogMessage message = auto.parse(bytes("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47"
                + " [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
                + "[examplePriority@32473 class=\"high\"]"));

        assertThat(message.structuredData().keySet()).containsExactly("exampleSDID@32473", "examplePriority@32473");
        assertThat(message.structuredData().get("examplePriority@32473")).isEqualTo(Map.of("class", "high"));
        assertThat(message.message()).isNull();
    }

    @Test
    void structuredDataValuesUnescapeQuoteBackslashAndBracketOnly() throws Exception {
        SyslogMessage message = auto.parse(bytes(
                "<13>1 - - - - - [x@1 a=\"say \\\"hi\\\"\" b=\"C:\\\\temp\" c=\"[x\\]\" d=\"a\\nb\" e=\"\"] m"));

        assertThat(message.structuredData().get("x@1")).containsExactly(
                Map.entry("a", "say \"hi\""), Map.entry("b", "C:\\temp"), Map.entry("c", "[x]"),
                Map.entry("d", "a\\nb"), Map.entry("e", ""));
    }

    @Test
    void repeatedParamsBecomeAListAndRepeatedElementsMerge() throws Exception {
        SyslogMessage message = auto.parse(bytes("<13>1 - - - - - [x@1 ip=\"10.0.0.1\" ip=\"10.0.0.2\"][x@1 ip=\"10.0.0.3\"]"));

        assertThat(message.structuredData()).isEqualTo(Map.of("x@1", Map.of("ip", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"))));
    }

    @Test
    void everyNilValueIsNull() throws Exception {
        SyslogMessage message = auto.parse(bytes("<0>1 - - - - - -"));

        assertThat(message).isEqualTo(new SyslogMessage(null, null, null, null, null, 0, 0, Map.of(), null));
    }

    @Test
    void utf8InStructuredDataAndMessage() throws Exception {
        SyslogMessage message = auto.parse(bytes("<14>1 2026-01-02T03:04:05+05:30 hôte app - - [a@1 who=\"Zoë\"] "
                + BOM + "grüße"));

        assertThat(message.timestamp()).isEqualTo("2026-01-02T03:04:05+05:30");
        assertThat(message.hostname()).isEqualTo("hôte");
        assertThat(message.structuredData().get("a@1")).isEqualTo(Map.of("who", "Zoë"));
        assertThat(message.message()).isEqualTo("grüße");
    }

    @Test
    void anEmptyMessageAfterTheSpaceIsEmptyText() throws Exception {
        assertThat(auto.parse(bytes("<14>1 - h a - - - ")).message()).isEmpty();
    }

    @Test
    void malformedRfc5424SaysWhy() {
        assertParseError("13>1 - - - - - -", "does not start with a priority like <13>");
        assertParseError("<>1 - - - - - -", "the priority must be 1 to 3 digits between < and >");
        assertParseError("<1234>1 - - - - - -", "the priority must be 1 to 3 digits between < and >");
        assertParseError("<192>1 - - - - - -", "the priority must be at most 191, got 192");
        assertParseError("<13>2 - - - - - -", "RFC 5424 version must be 1, got \"2\"");
        assertParseError("<13>1 2003-10-11 22:14:15Z h a - - -",
                "invalid timestamp \"2003-10-11\": must be like 2003-10-11T22:14:15.003Z");
        assertParseError("<13>1 2003-02-30T22:14:15Z h a - - -",
                "invalid timestamp \"2003-02-30T22:14:15Z\": no such date or time");
        assertParseError("<13>1 - h a - -", "the message ends after the msgid");
        assertParseError("<13>1 - h  a - - -", "the app-name is empty");
        assertParseError("<13>1 - h a - - x", "the structured data must be - or start with [");
        assertParseError("<13>1 - h a - - [x@1 a=\"b\"", "structured data element [x@1] is not closed by ]");
        assertParseError("<13>1 - h a - - [x@1 a=\"b]", "the value of param a in [x@1] has no closing quote");
        assertParseError("<13>1 - h a - - [x@1 a=b]", "param a in [x@1] needs =\"value\"");
        assertParseError("<13>1 - h a - - [ a=\"b\"]", "structured data has an empty or invalid SD-ID");
        assertParseError("<13>1 - h a - - -x", "expected a space after the structured data");
    }

    @Test
    void rfc3164ExampleWithHostnameAndTag() throws Exception {
        SyslogMessage message = auto.parse(bytes("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"));

        assertThat(message).isEqualTo(new SyslogMessage("2026-10-11T22:14:15Z", "mymachine", "su", null, null, 4, 2,
                Map.of(), "'su root' failed for lonvick on /dev/pts/8"));
    }

    @Test
    void rfc3164ExampleWithoutTag() throws Exception {
        SyslogMessage message = auto.parse(bytes("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!"));

        assertThat(message).isEqualTo(new SyslogMessage("2026-02-05T17:32:18Z", "10.0.0.99", null, null, null, 1, 5,
                Map.of(), "Use the BFG!"));
    }

    @Test
    void rfc3164TagWithPid() throws Exception {
        SyslogMessage message = auto.parse(bytes("<86>Nov 23 18:40:01 web01 sshd[4242]: Accepted publickey"));

        assertThat(message.appName()).isEqualTo("sshd");
        assertThat(message.procid()).isEqualTo("4242");
        assertThat(message.hostname()).isEqualTo("web01");
        assertThat(message.message()).isEqualTo("Accepted publickey");
    }

    @Test
    void rfc3164WithoutHostnameAsLocalSocketsReceiveIt() throws Exception {
        SyslogMessage message = auto.parse(bytes("<30>Nov 23 18:40:01 systemd[1]: Started Session 7 of User alice."));

        assertThat(message).isEqualTo(new SyslogMessage("2026-11-23T18:40:01Z", null, "systemd", "1", null, 3, 6,
                Map.of(), "Started Session 7 of User alice."));
    }

    @Test
    void rfc3164WithoutTimestampIsAllMessageAfterTheTag() throws Exception {
        SyslogMessage message = auto.parse(bytes("<13>myapp: hello there"));

        assertThat(message).isEqualTo(new SyslogMessage(null, null, "myapp", null, null, 1, 5, Map.of(), "hello there"));
        assertThat(auto.parse(bytes("<13>just text")).message()).isEqualTo("just text");
        assertThat(auto.parse(bytes("<13>")).message()).isEmpty();
    }

    @Test
    void rfc3164FractionYearAndTimezone() throws Exception {
        SyslogParser berlin = new SyslogParser(Format.AUTO, ZoneId.of("Europe/Berlin"), NOW);

        assertThat(berlin.parse(bytes("<13>Jul  4 12:00:00.250 host app: m")).timestamp())
                .isEqualTo("2026-07-04T12:00:00.25+02:00");
        assertThat(berlin.parse(bytes("<13>Jan 15 2019 08:00:00 host app: m")).timestamp())
                .isEqualTo("2019-01-15T08:00:00+01:00");
    }

    @Test
    void rfc3164DecemberMessageReadInJanuaryIsFromLastYear() throws Exception {
        Clock newYear = Clock.fixed(Instant.parse("2027-01-01T00:00:30Z"), ZoneOffset.UTC);
        SyslogParser parser = new SyslogParser(Format.AUTO, ZoneOffset.UTC, newYear);

        assertThat(parser.parse(bytes("<13>Dec 31 23:59:59 host app: m")).timestamp()).isEqualTo("2026-12-31T23:59:59Z");
        assertThat(parser.parse(bytes("<13>Jan  1 00:00:29 host app: m")).timestamp()).isEqualTo("2027-01-01T00:00:29Z");
    }

    @Test
    void rfc3164WithRfc3339TimestampAsRsyslogForwards() throws Exception {
        SyslogMessage message = auto.parse(bytes("<86>2026-11-23T18:40:01.123456+01:00 web01 sshd[4242]: Accepted"));

        assertThat(message).isEqualTo(new SyslogMessage("2026-11-23T18:40:01.123456+01:00", "web01", "sshd", "4242",
                null, 10, 6, Map.of(), "Accepted"));
        assertThat(auto.parse(bytes("<86>2026-11-23T18:40:01 web01 x: y")).timestamp()).isEqualTo("2026-11-23T18:40:01Z");
    }

    @Test
    void rfc3164Feb29InAYearWithoutOneIsFromTheLastLeapYear() throws Exception {
        Clock leapDayOfThisYear = Clock.fixed(Instant.parse("2028-02-29T12:00:00Z"), ZoneOffset.UTC);
        Clock sixWeeksBeforeIt = Clock.fixed(Instant.parse("2028-01-15T12:00:00Z"), ZoneOffset.UTC);

        assertThat(auto.parse(bytes("<13>Feb 29 08:00:00 host app: m")).timestamp()).isEqualTo("2024-02-29T08:00:00Z");
        assertThat(new SyslogParser(Format.AUTO, ZoneOffset.UTC, leapDayOfThisYear)
                .parse(bytes("<13>Feb 29 08:00:00 host app: m")).timestamp()).isEqualTo("2028-02-29T08:00:00Z");
        assertThat(new SyslogParser(Format.AUTO, ZoneOffset.UTC, sixWeeksBeforeIt)
                .parse(bytes("<13>Feb 29 08:00:00 host app: m")).timestamp()).isEqualTo("2024-02-29T08:00:00Z");
    }

    @Test
    void rfc3164ImpossibleDateIsAParseError() {
        assertParseError("<13>Feb 30 10:00:00 host app: m", "invalid timestamp \"Feb 30 10:00:00\"");
    }

    @Test
    void formatRfc5424RejectsBsdMessagesAndFormatRfc3164TakesRfc5424AsText() throws Exception {
        SyslogParser rfc5424 = new SyslogParser(Format.RFC5424, ZoneOffset.UTC, NOW);
        SyslogParser rfc3164 = new SyslogParser(Format.RFC3164, ZoneOffset.UTC, NOW);

        assertThatThrownBy(() -> rfc5424.parse(bytes("<34>Oct 11 22:14:15 mymachine su: x")))
                .hasMessage("RFC 5424 version must be 1, got \"Oct\"");
        assertThat(rfc3164.parse(bytes("<13>1 - h a - - - m")).message()).isEqualTo("1 - h a - - - m");
    }

    private void assertParseError(String message, String reason) {
        assertThatThrownBy(() -> auto.parse(bytes(message)))
                .as(message)
                .isInstanceOf(MalformedMessageException.class)
                .hasMessage(reason);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
