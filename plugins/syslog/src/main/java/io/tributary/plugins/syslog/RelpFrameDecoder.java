package io.tributary.plugins.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Splits a RELP stream into {@link RelpFrame}s with librelp's rules: TXNR and DATALEN of 1 to 9
 * digits, a command of 1 to 32 letters, single spaces between, no data and no space when DATALEN is
 * 0, and LF after the data. Anything else is a framing error: reported and the connection closed, as
 * librelp does. Data longer than {@code maxMessageBytes} is skipped as it arrives and the frame
 * emitted without it, so the session can refuse it in order. One instance per connection.
 *
 * <p>Like {@link SyslogFrameDecoder}, it emits one frame per decode and none while the channel does
 * not read, and {@link #DECODE_HELD_MESSAGES} decodes what it held.
 */
final class RelpFrameDecoder extends HoldingDecoder {
    private static final int MAX_NUMBER_DIGITS = 9;
    private static final int MAX_COMMAND_LETTERS = 32;
    /** The longest header: TXNR SP COMMAND SP DATALEN and the byte after it. */
    private static final int MAX_HEADER_BYTES = MAX_NUMBER_DIGITS + 1 + MAX_COMMAND_LETTERS + 1 + MAX_NUMBER_DIGITS + 1;

    private static final byte[] NO_DATA = new byte[0];

    private final int maxMessageBytes;
    private final FrameProblems problems;
    /** The header of the frame whose data is being read, or {@code null} while reading a header. */
    private RelpFrame header;
    /** Data bytes of an oversized frame still to skip. */
    private long skipping;
    private boolean failed;

    /** @param bufferedBytes the bytes all connections hold; this decoder adds and removes its own */
    RelpFrameDecoder(int maxMessageBytes, FrameProblems problems, LongAdder bufferedBytes) {
        super(bufferedBytes);
        this.maxMessageBytes = maxMessageBytes;
        this.problems = problems;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
        } else if (ctx.channel().config().isAutoRead()) {
            decodeOne(ctx, in, out);
        }
    }

    /**
     * At the end of the stream an unfinished frame is dropped: it was never acknowledged, so its
     * sender sends it again on its next connection.
     */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        in.skipBytes(in.readableBytes());
    }

    private void decodeOne(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (header == null && !readHeader(ctx, in)) {
            return;
        }
        if (header.dataLength() == 0) {
            emit(ctx, in, out, header);
            return;
        }
        if (header.skipped()) {
            int skipped = (int) Math.min(skipping, in.readableBytes());
            in.skipBytes(skipped);
            skipping -= skipped;
            if (skipping == 0 && in.isReadable()) {
                emit(ctx, in, out, header);
            }
            return;
        }
        if (in.readableBytes() <= header.dataLength()) {
            return;
        }
        byte[] data = new byte[header.dataLength()];
        in.readBytes(data);
        emit(ctx, in, out, new RelpFrame(header.txnr(), header.command(), data, data.length));
    }

    /** Checks the trailer after the data and emits the frame. */
    private void emit(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, RelpFrame frame) {
        if (!in.isReadable()) {
            return;
        }
        byte trailer = in.readByte();
        if (trailer != '\n') {
            fail(ctx, in, "expected LF after the data of frame " + frame.txnr() + ", got " + describe(trailer));
            return;
        }
        header = null;
        out.add(frame);
    }

    /** Reads {@code TXNR SP COMMAND SP DATALEN} and the space before the data; false when more bytes are needed. */
    private boolean readHeader(ChannelHandlerContext ctx, ByteBuf in) {
        int start = in.readerIndex();
        int available = Math.min(in.readableBytes(), MAX_HEADER_BYTES);
        int i = 0;
        long txnr = 0;
        for (; i < available && isDigit(in.getByte(start + i)); i++) {
            if (i == MAX_NUMBER_DIGITS) {
                return fail(ctx, in, "the transaction number has more than 9 digits");
            }
            txnr = txnr * 10 + in.getByte(start + i) - '0';
        }
        if (i == available) {
            return false;
        }
        if (i == 0 || in.getByte(start + i) != ' ') {
            return fail(ctx, in, "expected a transaction number, got " + describe(in.getByte(start + i)));
        }
        int commandStart = ++i;
        for (; i < available && isLetter(in.getByte(start + i)); i++) {
            if (i - commandStart == MAX_COMMAND_LETTERS) {
                return fail(ctx, in, "the command has more than 32 letters");
            }
        }
        if (i == available) {
            return false;
        }
        if (i == commandStart || in.getByte(start + i) != ' ') {
            return fail(ctx, in, "expected a command of letters, got " + describe(in.getByte(start + i)));
        }
        String command = in.toString(start + commandStart, i - commandStart, StandardCharsets.US_ASCII);
        int lengthStart = ++i;
        long length = 0;
        for (; i < available && isDigit(in.getByte(start + i)); i++) {
            if (i - lengthStart == MAX_NUMBER_DIGITS) {
                return fail(ctx, in, "the data length has more than 9 digits");
            }
            length = length * 10 + in.getByte(start + i) - '0';
        }
        if (i == available) {
            return false;
        }
        byte after = in.getByte(start + i);
        if (i == lengthStart) {
            return fail(ctx, in, "expected a data length, got " + describe(after));
        }
        if (length == 0) {
            in.skipBytes(i);
        } else if (after == ' ') {
            in.skipBytes(i + 1);
        } else {
            return fail(ctx, in, "expected a space before the data, got " + describe(after));
        }
        boolean oversized = length > maxMessageBytes;
        skipping = oversized ? length : 0;
        header = new RelpFrame((int) txnr, command, oversized ? null : NO_DATA, (int) length);
        return true;
    }

    private boolean fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        problems.badFrame(reason);
        ctx.close();
        return false;
    }

    private static String describe(byte b) {
        int value = b & 0xFF;
        return value >= 0x21 && value < 0x7F ? "\"" + (char) value + "\"" : String.format("byte 0x%02X", value);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isLetter(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
    }
}
