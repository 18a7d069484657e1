package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogFrameDecoderTest {
    private static final int MAX = 480;

    private final List<String> problems = new ArrayList<>();
    private final FrameProblems recorder = new FrameProblems() {
        @Override
        public void oversized(long length) {
            problems.add("oversized " + length);
        }

        @Override
        public void badFrame(String reason) {
            problems.add("bad frame: " + reason);
        }
    };

    @Test
    void octetCountingSplitsByLengthEvenWithNewlinesInside() {
        EmbeddedChannel channel = channel(Framing.OCTET_COUNTING);

        write(channel, "11 <13>a\nb c d9 <13>x y z\n13 <13>third one");

        assertThat(frames(channel)).containsExactly("<13>a\nb c d", "<13>x y z", "<13>third one");
        assertThat(problems).isEmpty();
    }

    @Test
    void newlineFramingTakesLfCrLfAndNulAndSkipsEmptyLines() {
        EmbeddedChannel channel = channel(Framing.NEWLINE);

        write(channel, "<13>one\n<13>two\r\n\n\r\n<13>three\0<13>four\n");

        assertThat(frames(channel)).containsExactly("<13>one", "<13>two", "<13>three", "<13>four");
    }

    @Test
    void autoPicksOctetCountingWhenTheConnectionStartsWithADigit() {
        EmbeddedChannel octets = channel(Framing.AUTO);
        EmbeddedChannel lines = channel(Framing.AUTO);

        write(octets, "5 <13>a5 <13>b");
        write(lines, "<13>a\n<13>b\n");

        assertThat(frames(octets)).containsExactly("<13>a", "<13>b");
        assertThat(frames(lines)).containsExactly("<13>a", "<13>b");
    }

    @Test
    void messagesSplitAcrossReadsAreJoined() {
        EmbeddedChannel octets = channel(Framing.AUTO);
        EmbeddedChannel lines = channel(Framing.AUTO);

        for (String part : List.of("1", "5 <13>", "hello", " w", "orld", "\n")) {
            write(octets, part);
        }
        for (String part : List.of("<13>hel", "lo world\r", "\n<13>next", "\n")) {
            write(lines, part);
        }

        assertThat(frames(octets)).containsExactly("<13>hello world");
        assertThat(frames(lines)).containsExactly("<13>hello world", "<13>next");
    }

    @Test
    void octetCountedNewlineAfterEachMessageIsTolerated() {
        EmbeddedChannel channel = channel(Framing.AUTO);

        write(channel, "5 <13>a\n5 <13>b\r\n");

        assertThat(frames(channel)).containsExactly("<13>a", "<13>b");
        assertThat(problems).isEmpty();
    }

    @Test
    void oversizedOctetCountedMessageIsSkippedWithoutBufferingAndTheNextOneRead() {
        EmbeddedChannel channel = channel(Framing.OCTET_COUNTING);

        write(channel, "1000 " + "x".repeat(300));
        assertThat(decoder(channel).bufferedBytes()).isZero();
        write(channel, "x".repeat(700) + "5 <13>a");

        assertThat(frames(channel)).containsExactly("<13>a");
        assertThat(problems).containsExactly("oversized 1000");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void oversizedLineIsSkippedToItsNewlineWithoutBuffering() {
        EmbeddedChannel channel = channel(Framing.NEWLINE);

        write(channel, "<13>" + "x".repeat(600));
        assertThat(decoder(channel).bufferedBytes()).isZero();
        write(channel, "y".repeat(2000));
        write(channel, "z\n<13>after\n" + "w".repeat(MAX + 5) + "\n<13>last\n");

        assertThat(frames(channel)).containsExactly("<13>after", "<13>last");
        assertThat(problems).containsExactly("oversized 604", "oversized " + (MAX + 5));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void messageOfExactlyTheMaximumFits() {
        EmbeddedChannel lines = channel(Framing.NEWLINE);
        EmbeddedChannel octets = channel(Framing.OCTET_COUNTING);
        String largest = "<13>" + "m".repeat(MAX - 4);

        write(lines, largest + "\r");
        write(lines, "\n");
        write(octets, MAX + " " + largest);

        assertThat(frames(lines)).containsExactly(largest);
        assertThat(frames(octets)).containsExactly(largest);
        assertThat(problems).isEmpty();
    }

    @Test
    void garbageWhereALengthBelongsClosesTheConnection() {
        EmbeddedChannel channel = channel(Framing.OCTET_COUNTING);

        write(channel, "5 <13>a12x <13>never\n5 <13>b");

        assertThat(frames(channel)).containsExactly("<13>a");
        assertThat(problems).containsExactly("bad frame: expected a message length (octet counting), got \"12x\"");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void lengthWithLeadingZeroOrTooManyDigitsIsABadFrame() {
        EmbeddedChannel zero = channel(Framing.OCTET_COUNTING);
        EmbeddedChannel huge = channel(Framing.OCTET_COUNTING);

        write(zero, "05 <13>a");
        write(huge, "12345678901");

        assertThat(problems).containsExactly(
                "bad frame: expected a message length (octet counting), got \"0\"",
                "bad frame: the message length has more than 10 digits");
        assertThat(zero.isOpen()).isFalse();
        assertThat(huge.isOpen()).isFalse();
    }

    @Test
    void binaryGarbageIsDescribedReadably() {
        EmbeddedChannel channel = channel(Framing.OCTET_COUNTING);

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'7', (byte) 0xFF, '"'}));

        assertThat(problems).containsExactly("bad frame: expected a message length (octet counting), got \"7\\xFF\"");
    }

    @Test
    void lastLineWithoutNewlineIsKeptWhenTheSenderCloses() {
        EmbeddedChannel channel = channel(Framing.NEWLINE);

        write(channel, "<13>one\n<13>two");
        channel.finish();

        assertThat(frames(channel)).containsExactly("<13>one", "<13>two");
    }

    @Test
    void octetCountedMessageCutByTheCloseIsABadFrame() {
        EmbeddedChannel channel = channel(Framing.OCTET_COUNTING);

        write(channel, "20 <13>cut");
        channel.finish();

        assertThat(frames(channel)).isEmpty();
        assertThat(problems).containsExactly("bad frame: the connection closed inside a message, 7 bytes of it were received");
    }

    private EmbeddedChannel channel(Framing framing) {
        return new EmbeddedChannel(new SyslogFrameDecoder(framing, MAX, recorder));
    }

    private static SyslogFrameDecoder decoder(EmbeddedChannel channel) {
        return channel.pipeline().get(SyslogFrameDecoder.class);
    }

    private static void write(EmbeddedChannel channel, String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private static List<String> frames(EmbeddedChannel channel) {
        List<String> frames = new ArrayList<>();
        for (Object frame; (frame = channel.readInbound()) != null; ) {
            frames.add(new String((byte[]) frame, StandardCharsets.UTF_8));
        }
        return frames;
    }
}
