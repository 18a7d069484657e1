package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class SyslogFrameDecoderTest {
    private static final int MAX = 480;

    private final RecordingFrameProblems recorder = new RecordingFrameProblems();
    private final List<String> problems = recorder.problems;
    private final LongAdder bufferedBytes = new LongAdder();

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
    void autoTakesANewlineSenderWhoseFirstLineStartsWithDigitsNotFollowedByALength() {
        EmbeddedChannel date = channel(Framing.AUTO);
        EmbeddedChannel number = channel(Framing.AUTO);
        EmbeddedChannel hugeNumber = channel(Framing.AUTO);

        write(date, "2024-11-23T18:40:01Z web01 app: first\n<13>second\n");
        write(number, "42\n<13>x\n");
        write(hugeNumber, "20241123 nightly job done\n");

        assertThat(frames(date)).containsExactly("2024-11-23T18:40:01Z web01 app: first", "<13>second");
        assertThat(frames(number)).containsExactly("42", "<13>x");
        assertThat(frames(hugeNumber)).containsExactly("20241123 nightly job done");
        assertThat(problems).isEmpty();
        assertThat(date.isOpen()).isTrue();
    }

    @Test
    void autoWaitsForTheByteAfterTheDigitsBeforeChoosing() {
        EmbeddedChannel octets = channel(Framing.AUTO);
        EmbeddedChannel lines = channel(Framing.AUTO);

        write(octets, "12");
        write(lines, "12");
        assertThat(frames(octets)).isEmpty();
        write(octets, " <13>a b c de");
        write(lines, ":00 tick\n");

        assertThat(frames(octets)).containsExactly("<13>a b c de");
        assertThat(frames(lines)).containsExactly("12:00 tick");
        assertThat(problems).isEmpty();
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
        senderCloses(channel);

        assertThat(frames(channel)).containsExactly("<13>one", "<13>two");
        assertThat(problems).isEmpty();
    }

    @Test
    void lastLineWithoutNewlineIsKeptWhenATlsSenderSendsCloseNotify() {
        EmbeddedChannel channel = channel(Framing.NEWLINE);

        write(channel, "<13>one\n<13>two");
        channel.pipeline().fireUserEventTriggered(SslCloseCompletionEvent.SUCCESS);
        channel.finish();

        assertThat(frames(channel)).containsExactly("<13>one", "<13>two");
    }

    @Test
    void unfinishedMessageIsDiscardedAndReportedWhenThisSideCloses() {
        EmbeddedChannel lines = channel(Framing.NEWLINE);
        EmbeddedChannel octets = channel(Framing.OCTET_COUNTING);

        write(lines, "<13>one\n<13>tw");
        write(octets, "7 <13>one20 <13>cut");
        lines.close();
        octets.close();

        assertThat(frames(lines)).containsExactly("<13>one");
        assertThat(frames(octets)).containsExactly("<13>one");
        assertThat(problems).containsExactly("discarded 6", "discarded 7");
        assertThat(bufferedBytes.sum()).isZero();
    }

    @Test
    void octetCountedMessageCutByTheSendersCloseIsABadFrame() {
        EmbeddedChannel channel = channel(Framing.OCTET_COUNTING);

        write(channel, "20 <13>cut");
        senderCloses(channel);

        assertThat(frames(channel)).isEmpty();
        assertThat(problems).containsExactly("bad frame: the connection closed inside a message, 7 bytes of it were received");
    }

    @Test
    void whileTheChannelDoesNotReadTheMessagesOfTheLastReadWaitUndecoded() {
        EmbeddedChannel channel = channel(Framing.NEWLINE);
        channel.pipeline().addLast(new PauseAfterEachMessage());

        write(channel, "<13>a\n<13>b\n<13>c\n<13>unfini");

        assertThat(frames(channel)).containsExactly("<13>a");
        assertThat(decoder(channel).bufferedBytes()).isEqualTo(22);
        assertThat(bufferedBytes.sum()).isEqualTo(22);
        resume(channel);
        assertThat(frames(channel)).containsExactly("<13>b");
        resume(channel);
        resume(channel);
        assertThat(frames(channel)).containsExactly("<13>c");
        assertThat(bufferedBytes.sum()).isEqualTo(10);
    }

    @Test
    void theSendersCloseDeliversEveryMessageHeldWhileTheChannelDidNotRead() {
        EmbeddedChannel channel = channel(Framing.OCTET_COUNTING);
        channel.pipeline().addLast(new PauseAfterEachMessage());

        write(channel, "5 <13>a5 <13>b8 <13>last");
        senderCloses(channel);

        assertThat(frames(channel)).containsExactly("<13>a", "<13>b", "<13>last");
        assertThat(problems).isEmpty();
        assertThat(bufferedBytes.sum()).isZero();
    }

    private EmbeddedChannel channel(Framing framing) {
        return new EmbeddedChannel(new SyslogFrameDecoder(framing, MAX, recorder, bufferedBytes));
    }

    /** What the source's Netty channel does when the sender closes its side (ALLOW_HALF_CLOSURE), then the close. */
    private static void senderCloses(EmbeddedChannel channel) {
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.finish();
    }

    private static void resume(EmbeddedChannel channel) {
        channel.config().setAutoRead(true);
        channel.pipeline().fireUserEventTriggered(SyslogFrameDecoder.DECODE_HELD_MESSAGES);
    }

    /** Stops reading after every message, as the source does when each one fills its queue. */
    private static final class PauseAfterEachMessage extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ctx.channel().config().setAutoRead(false);
            ctx.fireChannelRead(message);
        }
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
