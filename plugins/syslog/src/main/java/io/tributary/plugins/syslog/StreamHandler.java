package io.tributary.plugins.syslog;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Takes the messages of one TCP or TLS connection from its {@link SyslogFrameDecoder}, and stops
 * reading the connection when the queue is full; the sender's own buffers then hold the rest.
 * Closes the connection once its sender closed its side, and when it stayed silent for
 * {@code idle_timeout} while it was read.
 */
final class StreamHandler extends ChannelInboundHandlerAdapter implements FrameProblems {
    private final Transport transport;
    private final MessageIntake intake;
    private final int maxMessageBytes;
    private final Consumer<Channel> pause;
    private String peer = "unknown peer";

    /** @param pause stops reading the channel until the queue drains */
    StreamHandler(Transport transport, MessageIntake intake, int maxMessageBytes, Consumer<Channel> pause) {
        this.transport = transport;
        this.intake = intake;
        this.maxMessageBytes = maxMessageBytes;
        this.pause = pause;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        peer = Peers.format(ctx.channel().remoteAddress());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (intake.streamed(transport, (byte[]) message, peer)) {
            pause.accept(ctx.channel());
        }
    }

    @Override
    public void oversized(long length) {
        intake.oversized(transport, peer, length, maxMessageBytes);
    }

    @Override
    public void badFrame(String reason) {
        intake.metrics().badFrames.increment();
        intake.problems().warn("bad_frame", "Closing the " + transport.scheme() + " connection from " + peer
                + ": " + reason);
    }

    @Override
    public void discarded(int bytes) {
        intake.metrics().discardedBytes.increment(bytes);
        intake.problems().warn("discarded", "Discarded " + bytes + " bytes of an unfinished message from " + peer
                + ": the " + transport.scheme() + " connection was closed before its sender ended the message");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            intake.metrics().tlsHandshakesFailed.increment();
            intake.problems().warn("tls_handshake", "TLS handshake with " + peer + " failed: "
                    + rootMessage(handshake.cause()));
            ctx.close();
        } else if (event instanceof ChannelInputShutdownEvent
                || event instanceof SslCloseCompletionEvent close && close.isSuccess()) {
            // The decoder before this handler has delivered the sender's last message.
            ctx.close();
        } else if (event instanceof IdleStateEvent && ctx.channel().config().isAutoRead()) {
            // A paused connection is silent because it is not read: that is no reason to close it. Closing
            // an idle one is what idle_timeout asks for, so it is counted, not logged as a problem.
            intake.metrics().connectionsIdleClosed.increment();
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A handshake failure was reported with its event; a reset connection is ordinary.
        if (!(cause instanceof DecoderException && transport == Transport.TLS) && !(cause instanceof IOException)) {
            intake.problems().warn("connection", "Closing the " + transport.scheme() + " connection from " + peer
                    + ": " + rootMessage(cause));
        }
        ctx.close();
    }

    static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
