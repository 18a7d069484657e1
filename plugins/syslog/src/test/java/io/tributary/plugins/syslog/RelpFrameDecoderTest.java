package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class RelpFrameDecoderTest {
    private static final int MAX = 480;

    private final RecordingFrameProblems recorder = new RecordingFrameProblems();
    private final List<String> problems = recorder.problems;
    private final LongAdder bufferedBytes = new LongAdder();

    @Test
    void framesArrivingByteByByteOrManyInOneReadAreTheSame() {
        String stream = "1 open 14 relp_version=0\n2 syslog 5 hello\n3 syslog 7 a\nb\nc d\n4 close 0\n";
        EmbeddedChannel whole = channel();
        EmbeddedChannel bytewise = channel();

        whole.writeInbound(Unpooled.copiedBuffer(stream, StandardCharsets.UTF_8));
        for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
            bytewise.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        List<RelpFrame> expected = List.of(new RelpFrame(1, "open", bytes("relp_version=0"), 14),
                new RelpFrame(2, "syslog", bytes("hello"), 5), new RelpFrame(3, "syslog", bytes("a\nb\nc d"), 7),
                new RelpFrame(4, "close", new byte[0], 0));
        assertThat(frames(whole)).isEqualTo(describe(expected));
        assertThat(frames(bytewise)).isEqualTo(describe(expected));
        assertThat(problems).isEmpty();
        assertThat(bufferedBytes.sum()).isZero();
    }

    @Test
    void dataOverMaxMessageBytesIsSkippedUnbufferedAndTheFrameEmittedWithoutIt() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(Unpooled.copiedBuffer("7 syslog 1000 ", StandardCharsets.UTF_8));
        for (int i = 0; i < 10; i++) {
            channel.writeInbound(Unpooled.copiedBuffer("x".repeat(100), StandardCharsets.UTF_8));
            assertThat(bufferedBytes.sum()).isLessThanOrEqualTo(100);
        }
        channel.writeInbound(Unpooled.copiedBuffer("\n8 syslog 2 ok\n", StandardCharsets.UTF_8));

        assertThat(frames(channel)).containsExactly("7 syslog 1000 skipped", "8 syslog 2 ok");
    }

    @Test
    void everyBreakOfLibrelpsFrameSyntaxClosesTheConnectionNamingIt() {
        assertBadFrame("x syslog 1 a\n", "expected a transaction number, got \"x\"");
        assertBadFrame("1234567890 syslog 1 a\n", "the transaction number has more than 9 digits");
        assertBadFrame("1 sys1og 1 a\n", "expected a command of letters, got \"1\"");
        assertBadFrame("1 " + "a".repeat(33) + " 1 a\n", "the command has more than 32 letters");
        assertBadFrame("1 syslog x\n", "expected a data length, got \"x\"");
        assertBadFrame("1 syslog 1234567890 a\n", "the data length has more than 9 digits");
        assertBadFrame("1 syslog 1\na\n", "expected a space before the data, got byte 0x0A");
        assertBadFrame("1 syslog 1 ab\n", "expected LF after the data of frame 1, got \"b\"");
        assertBadFrame("1 close 0 \n", "expected LF after the data of frame 1, got byte 0x20");
    }

    private void assertBadFrame(String stream, String reason) {
        problems.clear();
        EmbeddedChannel channel = channel();

        channel.writeInbound(Unpooled.copiedBuffer(stream, StandardCharsets.UTF_8));

        assertThat(problems).containsExactly("bad frame: " + reason);
        assertThat(channel.isOpen()).isFalse();
    }

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new RelpFrameDecoder(MAX, recorder, bufferedBytes));
    }

    private static List<String> describe(List<RelpFrame> frames) {
        return frames.stream().map(RelpFrameDecoderTest::describe).toList();
    }

    private static String describe(RelpFrame frame) {
        return frame.txnr() + " " + frame.command() + " " + frame.dataLength() + " "
                + (frame.skipped() ? "skipped" : new String(frame.data(), StandardCharsets.UTF_8));
    }

    private static List<String> frames(EmbeddedChannel channel) {
        List<String> frames = new ArrayList<>();
        for (Object frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            frames.add(describe((RelpFrame) frame));
        }
        return frames;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
