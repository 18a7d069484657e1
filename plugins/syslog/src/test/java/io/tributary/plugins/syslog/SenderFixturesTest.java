package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The exact JSON value for what real senders put on the wire (see src/test/resources/senders). */
class SenderFixturesTest {
    private static final String PEER = "192.0.2.7:51234";

    private final SyslogParser parser = new SyslogParser(Format.AUTO, ZoneOffset.UTC, SyslogParserTest.NOW);

    @Test
    void loggerRfc5424OverUdp() {
        assertThat(json("logger-rfc5424-udp.bin")).isEqualTo("{\"timestamp\":\"2026-11-23T18:32:58.894472+00:00\","
                + "\"hostname\":\"vm\",\"app_name\":\"myapp\",\"procid\":\"15221\",\"msgid\":null,"
                + "\"facility\":\"auth\",\"facility_code\":4,\"severity\":\"crit\",\"severity_code\":2,"
                + "\"structured_data\":{\"timeQuality\":{\"tzKnown\":\"1\",\"isSynced\":\"0\"}},"
                + "\"message\":\"disk /dev/sda1 is 97% full\",\"peer\":\"192.0.2.7:51234\"}");
    }

    @Test
    void loggerRfc3164OverUdp() {
        assertThat(json("logger-rfc3164-udp.bin")).isEqualTo("{\"timestamp\":\"2026-11-23T18:32:59Z\","
                + "\"hostname\":\"vm\",\"app_name\":\"myapp\",\"procid\":\"15282\",\"msgid\":null,"
                + "\"facility\":\"local4\",\"facility_code\":20,\"severity\":\"warning\",\"severity_code\":4,"
                + "\"structured_data\":{},\"message\":\"disk /dev/sda1 is 97% full\",\"peer\":\"192.0.2.7:51234\"}");
    }

    @Test
    void loggerStructuredDataWithEscapes() {
        assertThat(json("logger-rfc5424-sd-udp.bin")).isEqualTo("{\"timestamp\":\"2026-11-23T18:33:01.924414+00:00\","
                + "\"hostname\":\"vm\",\"app_name\":\"payments\",\"procid\":null,\"msgid\":\"ORDER\","
                + "\"facility\":\"local0\",\"facility_code\":16,\"severity\":\"info\",\"severity_code\":6,"
                + "\"structured_data\":{\"order@32473\":{\"id\":\"42\",\"note\":\"say \\\"hi\\\" [x]\"}},"
                + "\"message\":\"order placed\",\"peer\":\"192.0.2.7:51234\"}");
    }

    @Test
    void loggerWithoutTimeOrTimeQuality() {
        assertThat(json("logger-rfc5424-notq-udp.bin")).isEqualTo("{\"timestamp\":null,\"hostname\":\"vm\","
                + "\"app_name\":\"app\",\"procid\":null,\"msgid\":null,\"facility\":\"daemon\",\"facility_code\":3,"
                + "\"severity\":\"err\",\"severity_code\":3,\"structured_data\":{},\"message\":\"no time quality\","
                + "\"peer\":\"192.0.2.7:51234\"}");
    }

    @Test
    void loggerOverTcpWithOctetCountingAndWithNewlines() {
        List<String> octetCounted = framed("logger-rfc5424-tcp-octet-count.bin");
        List<String> newline = framed("logger-rfc3164-tcp.bin");

        assertThat(octetCounted).containsExactly("<13>1 2026-11-23T18:32:59.204818+00:00 vm myapp - - "
                + "[timeQuality tzKnown=\"1\" isSynced=\"0\"] first line");
        assertThat(newline).containsExactly("<78>Nov 23 18:32:59 vm cron: job started");
    }

    @Test
    void rsyslogForwardingTemplatesOverUdp() throws Exception {
        SyslogMessage protocol23 = parser.parse(trimmed("rsyslog-SyslogProtocol23Format.bin"));
        SyslogMessage forward = parser.parse(fixture("rsyslog-ForwardFormat.bin"));
        SyslogMessage traditional = parser.parse(fixture("rsyslog-TraditionalForwardFormat.bin"));

        String text = "Accepted publickey for deploy from 10.0.0.5 port 52144 ssh2";
        // RSYSLOG_SyslogProtocol23Format writes a message from the local socket with the space after its tag.
        assertThat(protocol23).isEqualTo(new SyslogMessage("2026-12-01T18:48:44.636036+00:00", "web01", "sshd", "32312",
                null, 10, 6, Map.of(), " " + text));
        assertThat(forward).isEqualTo(new SyslogMessage("2026-12-01T18:48:44.636036+00:00", "web01", "sshd", "32312",
                null, 10, 6, Map.of(), text));
        assertThat(traditional).isEqualTo(new SyslogMessage("2026-12-01T18:48:44Z", "web01", "sshd", "32312", null,
                10, 6, Map.of(), text));
    }

    @Test
    void rsyslogForwardingOverTcpWithOctetCountingAndWithNewlines() throws Exception {
        List<String> octetCounted = framed("rsyslog-SyslogProtocol23Format-tcp-octet-counted.bin");
        List<String> newline = framed("rsyslog-TraditionalForwardFormat-tcp.bin");

        assertThat(octetCounted).containsExactly(
                "<86>1 2026-12-01T18:48:44.636036+00:00 web01 sshd 32312 - -  Accepted publickey for deploy from 10.0.0.5"
                        + " port 52144 ssh2\n",
                "<30>1 2026-12-01T18:48:44.942142+00:00 web01 systemd - - -  Started Session 7 of User alice.\n");
        assertThat(newline).containsExactly(
                "<86>Dec  1 18:48:44 web01 sshd[32312]: Accepted publickey for deploy from 10.0.0.5 port 52144 ssh2",
                "<30>Dec  1 18:48:44 web01 systemd: Started Session 7 of User alice.");
        assertThat(parser.parse(MessageIntake.withoutLineEnds(bytes(octetCounted.get(1))))).isEqualTo(new SyslogMessage(
                "2026-12-01T18:48:44.942142+00:00", "web01", "systemd", null, null, 3, 6, Map.of(),
                " Started Session 7 of User alice."));
        assertThat(parser.parse(bytes(newline.get(1)))).isEqualTo(new SyslogMessage("2026-12-01T18:48:44Z", "web01",
                "systemd", null, null, 3, 6, Map.of(), "Started Session 7 of User alice."));
    }

    @Test
    void syslogNgDrivers() throws Exception {
        SyslogMessage ietf = parser.parse(fixture("syslog-ng-syslog-driver.bin"));
        SyslogMessage bsd = parser.parse(fixture("syslog-ng-network-driver.bin"));

        assertThat(ietf).isEqualTo(new SyslogMessage("2026-11-23T18:40:01+01:00", "web01", "sshd", "4242", null, 4, 6,
                Map.of("meta", Map.of("sequenceId", "17")), "Accepted publickey for deploy"));
        assertThat(bsd).isEqualTo(new SyslogMessage("2026-11-23T18:40:01Z", "web01", "sshd", "4242", null, 4, 6,
                Map.of(), "Accepted publickey for deploy"));
    }

    @Test
    void journaldForwarding() throws Exception {
        SyslogMessage viaDevLog = parser.parse(fixture("journald-ForwardToSyslog.bin"));
        SyslogMessage viaImjournal = parser.parse(fixture("rsyslog-imjournal-SyslogProtocol23Format.bin"));

        assertThat(viaDevLog).isEqualTo(new SyslogMessage("2026-11-23T18:40:01Z", null, "systemd", "1", null, 3, 6,
                Map.of(), "Started Session 7 of User alice."));
        assertThat(viaImjournal).isEqualTo(new SyslogMessage("2026-11-23T18:40:01.654321+00:00", "web01", "systemd",
                "1", null, 3, 6, Map.of(), "Started Session 7 of User alice."));
    }

    private String json(String name) {
        try {
            SyslogMessage parsed = parser.parse(fixture(name));
            return new String(RecordFactory.json(parsed, PEER, parsed.messageText(), null), StandardCharsets.UTF_8);
        } catch (MalformedMessageException e) {
            throw new AssertionError(name + " does not parse: " + e.getMessage(), e);
        }
    }

    private static List<String> framed(String name) {
        List<String> frames = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new SyslogFrameDecoder(Framing.AUTO, 2048, new FrameProblems() {
            @Override
            public void oversized(long length) {
                throw new AssertionError("oversized " + length);
            }

            @Override
            public void badFrame(String reason) {
                throw new AssertionError(reason);
            }

            @Override
            public void discarded(int bytes) {
                throw new AssertionError("discarded " + bytes);
            }
        }, new LongAdder()));
        channel.writeInbound(Unpooled.wrappedBuffer(fixture(name)));
        channel.finish();
        for (Object frame; (frame = channel.readInbound()) != null; ) {
            frames.add(new String((byte[]) frame, StandardCharsets.UTF_8));
        }
        return frames;
    }

    /** The datagram as {@link DatagramHandler} passes it on: without a trailing newline. */
    private static byte[] trimmed(String name) {
        String text = new String(fixture(name), StandardCharsets.UTF_8);
        return text.stripTrailing().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] fixture(String name) {
        try (InputStream in = SenderFixturesTest.class.getResourceAsStream("/senders/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
