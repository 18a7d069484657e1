package io.tributary.plugins.syslog;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A decoder of one connection that holds what it read while its channel does not read (the queue
 * is full) instead of decoding it, and counts what it holds in the bytes all connections hold.
 */
abstract class HoldingDecoder extends ByteToMessageDecoder {
    /** The user event that makes a decoder emit the messages it held while its channel did not read. */
    static final Object DECODE_HELD_MESSAGES = new Object() {
        @Override
        public String toString() {
            return "DECODE_HELD_MESSAGES";
        }
    };

    private final LongAdder bufferedBytes;
    /** What this decoder holds, as last added to {@link #bufferedBytes}. */
    private int held;

    /** @param bufferedBytes the bytes all connections hold; this decoder adds and removes its own */
    HoldingDecoder(LongAdder bufferedBytes) {
        this.bufferedBytes = bufferedBytes;
    }

    /** What this connection holds of messages not handed on yet. */
    int bufferedBytes() {
        return internalBuffer().readableBytes();
    }

    /** Called before any other user event is handled, e.g. to note that the sender closed. */
    void eventArrived(Object event) {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
        super.channelRead(ctx, message);
        trackBufferedBytes();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == DECODE_HELD_MESSAGES) {
            // Decodes the held bytes as if an empty read had come.
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
            return;
        }
        eventArrived(event);
        // On ChannelInputShutdownEvent, ByteToMessageDecoder runs decodeLast before passing the event on.
        super.userEventTriggered(ctx, event);
        trackBufferedBytes();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        trackBufferedBytes();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        bufferedBytes.add(-held);
        held = 0;
    }

    private void trackBufferedBytes() {
        int now = bufferedBytes();
        bufferedBytes.add(now - held);
        held = now;
    }
}
