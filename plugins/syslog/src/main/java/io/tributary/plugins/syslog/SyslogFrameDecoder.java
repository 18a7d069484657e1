package io.tributary.plugins.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Splits a TCP or TLS stream into messages (RFC 6587), emitting each as a {@code byte[]} without its
 * framing. Holds at most {@code maxMessageBytes} plus one read per connection: an oversized message
 * is skipped as it arrives and reported; a stream that cannot be framed any more is reported and
 * closed. One instance per connection.
 *
 * <p>While the channel does not read (the queue is full), the complete messages of the last read
 * wait here undecoded instead of growing the queue; {@link #DECODE_HELD_MESSAGES} decodes them when it
 * reads again. At the end of the stream, a last message without its newline is delivered only when
 * the sender closed the connection; when this side closes it, such a partial message is discarded
 * and reported.
 *
 * <p>Needs {@code ALLOW_HALF_CLOSURE}: the sender's close then arrives as a
 * {@link ChannelInputShutdownEvent}, apart from a close by this side.
 */
final class SyslogFrameDecoder extends HoldingDecoder {
    /** Enough digits for any length worth reading; more is garbage. */
    private static final int MAX_LENGTH_DIGITS = 10;

    private final int maxMessageBytes;
    private final FrameProblems problems;
    private Framing framing;
    /** Octet counting: the length of the message being read, or -1 while reading the length. */
    private long messageLength = -1;
    /** Bytes of an oversized message still to skip (octet counting), or -1 to skip to the next delimiter (newline). */
    private long skipping;
    /** Newline framing: how far the current message was already searched for its delimiter. */
    private int searched;
    private boolean failed;
    /** The sender closed its side (TCP FIN, or a TLS close_notify): it wrote everything it meant to. */
    private boolean senderClosed;

    /** @param bufferedBytes the bytes all connections hold; this decoder adds and removes its own */
    SyslogFrameDecoder(Framing framing, int maxMessageBytes, FrameProblems problems, LongAdder bufferedBytes) {
        super(bufferedBytes);
        this.framing = framing;
        this.maxMessageBytes = maxMessageBytes;
        this.problems = problems;
    }

    @Override
    void eventArrived(Object event) {
        if (event instanceof ChannelInputShutdownEvent
                || event instanceof SslCloseCompletionEvent close && close.isSuccess()) {
            senderClosed = true;
        }
    }

    /**
     * Emits at most one message per call, so that when it fills the queue the channel stops reading
     * before the next one is decoded (ByteToMessageDecoder calls again while bytes are consumed).
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (ctx.channel().config().isAutoRead()) {
            decodeOne(ctx, in, out);
        }
    }

    /** The connection ends: every complete message is emitted, then what is left is judged. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            int readable = in.readableBytes();
            int emitted = out.size();
            decodeOne(ctx, in, out);
            if (out.size() == emitted && in.readableBytes() == readable) {
                break;
            }
        }
        if (failed || !in.isReadable()) {
            return;
        }
        int rest = in.readableBytes();
        if (!senderClosed) {
            problems.discarded(rest);
        } else if (framing != Framing.OCTET_COUNTING) {
            // The sender closed after a last message without its newline: it is complete all the same.
            int length = trailingCrTrimmed(in, in.readerIndex() + rest);
            if (length > 0) {
                out.add(copy(in, length));
            }
        } else {
            problems.badFrame("the connection closed inside a message, " + rest + " bytes of it were received");
        }
        in.skipBytes(rest);
    }

    private void decodeOne(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (framing == Framing.AUTO && !chooseFraming(in)) {
            return;
        }
        if (framing == Framing.OCTET_COUNTING) {
            decodeOctetCounted(ctx, in, out);
        } else {
            decodeLine(in, out);
        }
    }

    /**
     * RFC 6587 §3.4.1 octet counting is {@code MSG-LEN SP SYSLOG-MSG}, MSG-LEN a non-zero digit and
     * more digits: the connection uses it when it starts so, with a length no message can exceed;
     * anything else (a line starting with {@code 2024-}, say) is newline framing. False when only
     * digits came so far.
     */
    private boolean chooseFraming(ByteBuf in) {
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (available == 0) {
            return false;
        }
        byte first = in.getByte(start);
        if (first < '1' || first > '9') {
            framing = Framing.NEWLINE;
            return true;
        }
        long length = 0;
        for (int i = 0; i < Math.min(available, MAX_LENGTH_DIGITS + 1); i++) {
            byte b = in.getByte(start + i);
            if (b == ' ') {
                framing = length <= SyslogConfig.MAX_MESSAGE_BYTES_LIMIT ? Framing.OCTET_COUNTING : Framing.NEWLINE;
                return true;
            }
            if (!isDigit(b)) {
                framing = Framing.NEWLINE;
                return true;
            }
            length = length * 10 + (b - '0');
        }
        if (available > MAX_LENGTH_DIGITS) {
            framing = Framing.NEWLINE;
            return true;
        }
        return false;
    }

    private void decodeLine(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int from = in.readerIndex() + searched;
            int to = in.writerIndex();
            int delimiter = from < to ? in.forEachByte(from, to - from, b -> b != '\n' && b != 0) : -1;
            if (skipping != 0) {
                if (delimiter < 0) {
                    in.skipBytes(in.readableBytes());
                    searched = 0;
                    return;
                }
                in.readerIndex(delimiter + 1);
                skipping = 0;
                searched = 0;
                continue;
            }
            if (delimiter < 0) {
                // A CR may still come before the LF, so a message of exactly the maximum fits.
                if (in.readableBytes() > maxMessageBytes + 1) {
                    problems.oversized(in.readableBytes());
                    in.skipBytes(in.readableBytes());
                    skipping = -1;
                    searched = 0;
                } else {
                    searched = in.readableBytes();
                }
                return;
            }
            searched = 0;
            int length = trailingCrTrimmed(in, delimiter);
            boolean emit = length > 0 && length <= maxMessageBytes;
            if (length > maxMessageBytes) {
                problems.oversized(length);
            } else if (emit) {
                out.add(copy(in, length));
            }
            in.readerIndex(delimiter + 1);
            if (emit) {
                return;
            }
        }
    }

    private void decodeOctetCounted(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (skipping > 0) {
                int skipped = (int) Math.min(skipping, in.readableBytes());
                in.skipBytes(skipped);
                skipping -= skipped;
                continue;
            }
            if (messageLength < 0) {
                skipDelimiters(in);
                if (!in.isReadable() || !readLength(ctx, in)) {
                    return;
                }
                if (messageLength > maxMessageBytes) {
                    problems.oversized(messageLength);
                    skipping = messageLength;
                    messageLength = -1;
                    continue;
                }
            }
            if (in.readableBytes() < messageLength) {
                return;
            }
            out.add(copy(in, (int) messageLength));
            in.skipBytes((int) messageLength);
            messageLength = -1;
            return;
        }
    }

    /** Some senders end each octet-counted message with a newline as well; it is no part of the next length. */
    private static void skipDelimiters(ByteBuf in) {
        while (in.isReadable()) {
            byte b = in.getByte(in.readerIndex());
            if (b != '\n' && b != '\r' && b != 0) {
                return;
            }
            in.skipBytes(1);
        }
    }

    /** Reads {@code MSG-LEN SP}; false when more bytes are needed or the stream was failed. */
    private boolean readLength(ChannelHandlerContext ctx, ByteBuf in) {
        int start = in.readerIndex();
        int available = Math.min(in.readableBytes(), MAX_LENGTH_DIGITS + 1);
        long length = 0;
        for (int i = 0; i < available; i++) {
            byte b = in.getByte(start + i);
            if (b == ' ' && i > 0) {
                in.skipBytes(i + 1);
                messageLength = length;
                return true;
            }
            if (!isDigit(b) || i == 0 && b == '0') {
                fail(ctx, in, "expected a message length (octet counting), got " + describe(in, start, i + 1));
                return false;
            }
            length = length * 10 + (b - '0');
        }
        if (available > MAX_LENGTH_DIGITS) {
            fail(ctx, in, "the message length has more than " + MAX_LENGTH_DIGITS + " digits");
        }
        return false;
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        problems.badFrame(reason);
        ctx.close();
    }

    private static String describe(ByteBuf in, int start, int length) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = 0; i < length; i++) {
            int b = in.getByte(start + i) & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02X", b));
            }
        }
        return text.append('"').toString();
    }

    /** The length of the message from the reader index to {@code end}, without a CR just before {@code end}. */
    private static int trailingCrTrimmed(ByteBuf in, int end) {
        int length = end - in.readerIndex();
        if (length > 0 && in.getByte(end - 1) == '\r') {
            length--;
        }
        return length;
    }

    private static byte[] copy(ByteBuf in, int length) {
        byte[] message = new byte[length];
        in.getBytes(in.readerIndex(), message);
        return message;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
