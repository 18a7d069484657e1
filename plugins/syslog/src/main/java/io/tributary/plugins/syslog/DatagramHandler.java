package io.tributary.plugins.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Takes each UDP datagram as one message (RFC 5426). The buffer is one byte larger than
 * {@code max_message_bytes}, so a datagram that filled it was longer and is skipped as oversized.
 */
@Sharable
final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final MessageIntake intake;
    private final int maxMessageBytes;

    DatagramHandler(MessageIntake intake, int maxMessageBytes) {
        this.intake = intake;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        String peer = Peers.format(packet.sender());
        if (content.readableBytes() > maxMessageBytes) {
            intake.oversized(Transport.UDP, peer, content.readableBytes(), maxMessageBytes);
            return;
        }
        byte[] message = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), message);
        intake.datagram(message, peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        intake.problems().warn("udp", "Error on the UDP listener " + ctx.channel().localAddress() + ": " + cause);
    }
}
