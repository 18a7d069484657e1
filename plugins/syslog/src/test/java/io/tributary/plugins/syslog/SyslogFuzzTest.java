package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.RecordingSourceContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.helpers.NOPLogger;

/**
 * Runs the parser and the framer on mutations of valid messages and on random bytes, with fixed
 * seeds so a failure repeats: no exception may escape, and nothing may hold more than its bound.
 */
class SyslogFuzzTest {
    private static final int MAX_MESSAGE_BYTES = 512;
    private static final byte[] INTERESTING = "<>[]\"\\= -:.T+Z0123456789\n\r\0\u00ef\u00bb\u00bf\u00ff"
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final List<byte[]> SEEDS = List.of(
            bytes("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u00ef\u00bb\u00bf'su root' failed"),
            bytes("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time"),
            bytes("<165>1 2003-10-11T22:14:15.003Z host evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource="
                    + "\"Application\"][examplePriority@32473 class=\"high\" esc=\"a\\\"b\\]c\\\\d\"] message"),
            bytes("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick"),
            bytes("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!"),
            bytes("<86>2026-11-23T18:40:01.123456+01:00 web01 sshd[4242]: Accepted publickey"),
            bytes("<30>Nov 23 18:40:01 systemd[1]: Started Session 7"),
            bytes("<13>Jan 15 2019 08:00:00.250 host app: m"),
            bytes("<0>1 - - - - - -"));

    @TempDir
    Path dir;

    @Test
    void everyFormatTurnsAnyBytesIntoARecordOfBoundedSize() {
        Random random = new Random(20261123L);
        List<RecordFactory> factories = new ArrayList<>();
        RecordingSourceContext context = new RecordingSourceContext("fuzz", dir, Map.of());
        for (Format format : Format.values()) {
            for (RecordKey key : List.of(RecordKey.HOSTNAME, RecordKey.SEVERITY)) {
                SyslogConfig config = new SyslogConfig("t", List.of(), format, Framing.AUTO, MAX_MESSAGE_BYTES, 1, key,
                        ZoneId.of("America/New_York"), 1 << 20, 10, SyslogConfig.DEFAULT_UDP_RECEIVE_BUFFER_BYTES, null, null,
                        null, null, null);
                SyslogMetrics metrics = new SyslogMetrics(context.metrics(), new RecordQueue(1, 1), () -> 0);
                factories.add(new RecordFactory(config, SyslogParserTest.NOW, metrics, new ProblemLog(NOPLogger.NOP_LOGGER)));
            }
        }

        for (int i = 0; i < 60_000; i++) {
            byte[] input = i % 10 == 0 ? randomBytes(random, random.nextInt(200)) : mutate(random);
            for (RecordFactory factory : factories) {
                SourceRecord record = factory.toRecord(input, "192.0.2.1:514");
                assertThat(record.value().length).as("value size for %s", Arrays.toString(input))
                        .isLessThanOrEqualTo(6 * input.length + 400);
            }
        }
        assertThat(context.counter("syslog.parse.errors")).isPositive();
    }

    @Test
    void theJsonOfAnyParsedMessageIsByteForByteWhatJacksonWrites() throws IOException {
        Random random = new Random(7159L);
        SyslogParser parser = new SyslogParser(Format.AUTO, ZoneId.of("America/New_York"), SyslogParserTest.NOW);
        int parsed = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] input = mutate(random);
            String peer = "192.0.2.1:514";
            SyslogMessage message;
            try {
                message = parser.parse(input);
            } catch (MalformedMessageException e) {
                String text = new String(input, StandardCharsets.UTF_8);
                assertThat(RecordFactory.json(null, peer, Text.slice(input, 0, input.length), e.getMessage()))
                        .isEqualTo(jackson(null, peer, text, e.getMessage()));
                continue;
            }
            parsed++;
            assertThat(RecordFactory.json(message, peer, message.messageText(), null))
                    .as("JSON of %s", Arrays.toString(input))
                    .isEqualTo(jackson(message, peer, message.message(), null));
        }
        assertThat(parsed).isGreaterThan(5_000);
    }

    /** How the record's JSON was written before it was written by hand, field for field. */
    @SuppressWarnings("unchecked")
    private static byte[] jackson(SyslogMessage parsed, String peer, String text, String parseError)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("timestamp", parsed == null ? null : parsed.timestamp());
            json.writeStringField("hostname", parsed == null ? null : parsed.hostname());
            json.writeStringField("app_name", parsed == null ? null : parsed.appName());
            json.writeStringField("procid", parsed == null ? null : parsed.procid());
            json.writeStringField("msgid", parsed == null ? null : parsed.msgid());
            if (parsed == null) {
                for (String field : List.of("facility", "facility_code", "severity", "severity_code", "structured_data")) {
                    json.writeNullField(field);
                }
            } else {
                json.writeStringField("facility", Priority.facilityName(parsed.facility()));
                json.writeNumberField("facility_code", parsed.facility());
                json.writeStringField("severity", Priority.severityName(parsed.severity()));
                json.writeNumberField("severity_code", parsed.severity());
                json.writeObjectFieldStart("structured_data");
                for (Map.Entry<String, Map<String, Object>> element : parsed.structuredData().entrySet()) {
                    json.writeObjectFieldStart(element.getKey());
                    for (Map.Entry<String, Object> param : element.getValue().entrySet()) {
                        if (param.getValue() instanceof List<?> values) {
                            json.writeArrayFieldStart(param.getKey());
                            for (String value : (List<String>) values) {
                                json.writeString(value);
                            }
                            json.writeEndArray();
                        } else {
                            json.writeStringField(param.getKey(), (String) param.getValue());
                        }
                    }
                    json.writeEndObject();
                }
                json.writeEndObject();
            }
            json.writeStringField("message", text);
            json.writeStringField("peer", peer);
            if (parseError != null) {
                json.writeStringField("parse_error", parseError);
            }
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    @Test
    void everyFramingSurvivesAnyStreamWithinItsMemoryBound() {
        Random random = new Random(5424L);
        for (int stream = 0; stream < 3_000; stream++) {
            Framing framing = Framing.values()[random.nextInt(Framing.values().length)];
            List<String> problems = new ArrayList<>();
            SyslogFrameDecoder decoder = new SyslogFrameDecoder(framing, MAX_MESSAGE_BYTES, new FrameProblems() {
                @Override
                public void oversized(long length) {
                    problems.add("oversized");
                }

                @Override
                public void badFrame(String reason) {
                    problems.add(reason);
                }

                @Override
                public void discarded(int bytes) {
                    problems.add("discarded");
                }
            }, new LongAdder());
            EmbeddedChannel channel = new EmbeddedChannel(decoder);
            byte[] bytes = stream(random);
            int offset = 0;
            while (offset < bytes.length && channel.isOpen()) {
                int chunk = Math.min(bytes.length - offset, 1 + random.nextInt(700));
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, offset, chunk));
                offset += chunk;
                assertThat(decoder.bufferedBytes()).as("stream %d", stream).isLessThanOrEqualTo(MAX_MESSAGE_BYTES + 700);
                for (Object frame; (frame = channel.readInbound()) != null; ) {
                    assertThat(((byte[]) frame).length).isBetween(1, MAX_MESSAGE_BYTES);
                }
            }
            channel.finishAndReleaseAll();
        }
    }

    /** Messages framed right or wrong, mutated, with garbage between them. */
    private static byte[] stream(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int messages = 1 + random.nextInt(12);
        boolean octets = random.nextBoolean();
        for (int i = 0; i < messages; i++) {
            byte[] message = random.nextInt(8) == 0 ? randomBytes(random, random.nextInt(2 * MAX_MESSAGE_BYTES))
                    : mutate(random);
            if (random.nextInt(6) == 0) {
                message = Arrays.copyOf(message, message.length + MAX_MESSAGE_BYTES);
                Arrays.fill(message, message.length - MAX_MESSAGE_BYTES, message.length, (byte) 'x');
            }
            if (octets) {
                int length = random.nextInt(10) == 0 ? random.nextInt(2000) : message.length;
                out.writeBytes(bytes(length + " "));
            }
            out.writeBytes(message);
            if (!octets || random.nextInt(5) == 0) {
                out.write(random.nextInt(4) == 0 ? 0 : '\n');
            }
        }
        return out.toByteArray();
    }

    private static byte[] mutate(Random random) {
        byte[] message = SEEDS.get(random.nextInt(SEEDS.size())).clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && message.length > 0; m++) {
            int at = random.nextInt(message.length);
            switch (random.nextInt(6)) {
                case 0 -> message[at] = (byte) random.nextInt(256);
                case 1 -> message[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                case 2 -> message = Arrays.copyOf(message, at);
                case 3 -> {
                    int end = Math.min(message.length, at + 1 + random.nextInt(8));
                    byte[] cut = new byte[message.length - (end - at)];
                    System.arraycopy(message, 0, cut, 0, at);
                    System.arraycopy(message, end, cut, at, message.length - end);
                    message = cut;
                }
                case 4 -> {
                    byte[] longer = new byte[message.length + 1];
                    System.arraycopy(message, 0, longer, 0, at);
                    longer[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                    System.arraycopy(message, at, longer, at + 1, message.length - at);
                    message = longer;
                }
                default -> {
                    byte[] other = SEEDS.get(random.nextInt(SEEDS.size()));
                    int from = random.nextInt(other.length);
                    byte[] spliced = Arrays.copyOf(message, at + other.length - from);
                    System.arraycopy(other, from, spliced, at, other.length - from);
                    message = spliced;
                }
            }
        }
        return message;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
