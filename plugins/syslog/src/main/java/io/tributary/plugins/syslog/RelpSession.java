package io.tributary.plugins.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * One RELP session (one connection) as librelp's server runs it: {@code open} negotiates the offers,
 * each {@code syslog} frame is a message, {@code close} ends the session; transaction numbers must
 * follow each other, and every response goes out in the order of the commands.
 *
 * <p>A message is answered {@code 200 OK} only once the Kafka transaction holding it committed: each
 * one's record carries a checkpoint of this session's own stream whose position is the message's
 * sequence number in the session, and {@link #acknowledge} hears which sequence number committed.
 * Until then the sender keeps the message and sends it again on a new session if this one breaks.
 *
 * <p>Everything but {@link #stream} and {@link #unacknowledged} runs on the channel's event loop.
 */
final class RelpSession extends ChannelInboundHandlerAdapter implements FrameProblems {
    /** librelp's server speaks version 0 and answers with it whatever a client offers. */
    static final int PROTOCOL_VERSION = 0;
    /** After 999,999,999 the transaction number starts again at 1 (RELP spec, librelp). */
    static final int MAX_TXNR = 999_999_999;
    /**
     * The most commands a session holds unanswered; librelp's senders stop at their window (128 by
     * default), so only a sender that ignores it reaches this, and is then no longer read until
     * answers drain.
     */
    static final int MAX_UNANSWERED = 16_384;
    static final String POSITION_SEQ = "seq";
    static final String POSITION_PEER = "peer";
    static final String POSITION_CRC = "crc32c";
    private static final byte[] OK = "200 OK".getBytes(StandardCharsets.US_ASCII);

    private final Transport transport;
    private final MessageIntake intake;
    private final RelpSessions sessions;
    private final Consumer<Channel> pauseForQueue;
    final String stream;
    private final ArrayDeque<Answer> unanswered = new ArrayDeque<>();
    private final CRC32C crc = new CRC32C();
    private ChannelHandlerContext ctx;
    private String peer = "unknown peer";
    private String peerHost = "unknown";
    private int expectedTxnr = 1;
    private boolean opened;
    private boolean syslogEnabled;
    /** A {@code close} came, the sender closed its side, or the source stops: nothing more is read. */
    private boolean ending;
    private boolean pausedForQueue;
    /** The source stops: nothing more is read, and the session ends with a {@code serverclose}. */
    private boolean stopped;
    /** The sequence number of the last message queued; 0 before the first. Written on the event loop only. */
    private volatile long lastSeq;
    /** The sequence number up to which every message was answered. Written on the event loop only. */
    private volatile long answeredSeq;
    /** The highest sequence number committed, as {@link #acknowledge} heard. */
    private long committedSeq;
    /** The checksum of the message at {@link #committedSeq}: what a resend after a break would repeat last. */
    private String committedCrc;
    /** Messages of this session received so far, for recognising a resend among its first ones. */
    private long received;
    private volatile int unacknowledged;

    RelpSession(Transport transport, MessageIntake intake, RelpSessions sessions, Consumer<Channel> pauseForQueue) {
        this.transport = transport;
        this.intake = intake;
        this.sessions = sessions;
        this.pauseForQueue = pauseForQueue;
        this.stream = sessions.newStream();
    }

    /** A command waiting for its answer: sent once the message at {@code seq} and all before it committed. */
    private record Answer(int txnr, long seq, byte[] data, boolean closeAfter) {
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        peer = Peers.format(ctx.channel().remoteAddress());
        peerHost = ctx.channel().remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : peer;
        sessions.opened(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        sessions.closed(this, peerHost, committedCrc, lastSeq > 0);
        unacknowledged = 0;
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        RelpFrame frame = (RelpFrame) message;
        if (ending) {
            return;
        }
        if (frame.txnr() == 0) {
            // Hints (txnr 0) go from a server to its client; librelp's server knows none from clients.
            abort("a client sent the hint \"" + frame.command() + "\"");
            return;
        }
        if (frame.txnr() != expectedTxnr) {
            abort("expected transaction number " + expectedTxnr + ", got " + frame.txnr());
            return;
        }
        expectedTxnr = expectedTxnr == MAX_TXNR ? 1 : expectedTxnr + 1;
        switch (frame.command()) {
            case "syslog" -> syslog(frame);
            case "open" -> open(frame);
            case "close" -> {
                ending = true;
                answer(frame.txnr(), new byte[0], true);
            }
            default -> abort("unknown command \"" + frame.command() + "\"");
        }
        updateReading();
    }

    private void syslog(RelpFrame frame) {
        if (!opened || !syslogEnabled) {
            intake.metrics().relpRefused.increment();
            answer(frame.txnr(), bytes("500 command disabled"), false);
            return;
        }
        if (frame.skipped()) {
            intake.oversized(transport, peer, frame.dataLength(), sessions.maxMessageBytes());
            intake.metrics().relpRefused.increment();
            // The sender drops a message answered 500 (librelp reports the error), so it is not sent forever.
            answer(frame.txnr(), bytes("500 message longer than max_message_bytes"), false);
            return;
        }
        intake.metrics().received(transport, frame.data().length);
        byte[] message = MessageIntake.withoutLineEnds(frame.data());
        if (message.length == 0) {
            intake.metrics().emptyMessages.increment();
            answer(frame.txnr(), OK, false);
            return;
        }
        crc.reset();
        crc.update(message);
        String checksum = Long.toHexString(crc.getValue());
        if (received++ < RelpSessions.RESEND_WINDOW) {
            sessions.checkResent(peerHost, checksum, received);
        }
        lastSeq++;
        Checkpoint checkpoint = new Checkpoint(stream,
                Position.of(Map.of(POSITION_SEQ, lastSeq, POSITION_PEER, peerHost, POSITION_CRC, checksum)));
        answer(frame.txnr(), OK, false);
        if (intake.relp(transport, message, peer, checkpoint) && !pausedForQueue) {
            pausedForQueue = true;
            pauseForQueue.accept(ctx.channel());
        }
    }

    private void open(RelpFrame frame) {
        if (opened) {
            answer(frame.txnr(), bytes("500 protocol error: connection already open"), true);
            ending = true;
            return;
        }
        RelpOffers offers;
        try {
            offers = RelpOffers.parse(frame.data());
        } catch (IllegalArgumentException e) {
            intake.metrics().relpRefused.increment();
            intake.problems().warn("relp_open", "Refused the RELP session from " + peer + ": " + e.getMessage());
            answer(frame.txnr(), bytes("500 " + e.getMessage()), true);
            ending = true;
            return;
        }
        opened = true;
        syslogEnabled = offers.commands().contains("syslog");
        answer(frame.txnr(), bytes("200 OK\n" + RelpOffers.serverOffers(syslogEnabled)), false);
    }

    /** Queues the answer behind those before it; it goes out once every message before it committed. */
    private void answer(int txnr, byte[] data, boolean closeAfter) {
        unanswered.addLast(new Answer(txnr, lastSeq, data, closeAfter));
        unacknowledged = unanswered.size();
        sendAnswers();
    }

    /** Called on the event loop: the messages up to {@code seq} committed, the last one with checksum {@code crc}. */
    void acknowledge(long seq, String checksum) {
        if (seq > committedSeq) {
            committedSeq = seq;
            committedCrc = checksum;
            sendAnswers();
            updateReading();
        }
    }

    private void sendAnswers() {
        Channel channel = ctx.channel();
        boolean wrote = false;
        while (!unanswered.isEmpty() && unanswered.peekFirst().seq() <= committedSeq && channel.isActive()) {
            Answer answer = unanswered.removeFirst();
            ctx.write(response(answer.txnr(), answer.data()));
            answeredSeq = answer.seq();
            wrote = true;
            if (answer.closeAfter()) {
                unanswered.clear();
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                break;
            }
        }
        unacknowledged = unanswered.size();
        if (wrote) {
            ctx.flush();
        }
        if (ending && unanswered.isEmpty() && channel.isActive()) {
            channel.close();
        }
    }

    /** {@code TXNR SP rsp SP DATALEN [SP DATA] LF}. */
    private static ByteBuf response(int txnr, byte[] data) {
        String header = data.length == 0 ? txnr + " rsp 0\n" : txnr + " rsp " + data.length + " ";
        ByteBuf buffer = Unpooled.buffer(header.length() + data.length + 1);
        buffer.writeCharSequence(header, StandardCharsets.US_ASCII);
        if (data.length > 0) {
            buffer.writeBytes(data).writeByte('\n');
        }
        return buffer;
    }

    /** The hint librelp's server sends before it closes a session; its client then reconnects. */
    static ByteBuf serverclose() {
        return Unpooled.copiedBuffer("0 serverclose 0\n", StandardCharsets.US_ASCII);
    }

    /**
     * Reads while the queue has room, the sender reads the answers (the channel is writable) and
     * fewer than {@link #MAX_UNANSWERED} commands wait; so a session holds little however its sender behaves.
     */
    private void updateReading() {
        Channel channel = ctx.channel();
        boolean read = !ending && !stopped && !pausedForQueue && channel.isWritable() && unanswered.size() < MAX_UNANSWERED;
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
            if (read) {
                channel.pipeline().fireUserEventTriggered(SyslogFrameDecoder.DECODE_HELD_MESSAGES);
            }
        }
    }

    /** Called on the event loop once the queue has room again. */
    void resumeFromQueue() {
        pausedForQueue = false;
        updateReading();
    }

    /** Called on the event loop when the source stops: nothing more is read; the answers still go out. */
    void stopReading() {
        stopped = true;
        ctx.channel().config().setAutoRead(false);
    }

    /** Messages and commands received and not answered yet; readable from any thread. */
    int unacknowledged() {
        return unacknowledged;
    }

    /** True once every message up to {@code seq} (or up to the last, if fewer came) was answered; any thread. */
    boolean answeredUpTo(long seq) {
        return answeredSeq >= Math.min(seq, lastSeq);
    }

    Channel channel() {
        return ctx.channel();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        updateReading();
        super.channelWritabilityChanged(ctx);
    }

    private void abort(String reason) {
        badFrame(reason);
        ending = true;
        ctx.close();
    }

    @Override
    public void badFrame(String reason) {
        intake.metrics().badFrames.increment();
        intake.problems().warn("bad_frame", "Closing the " + transport.scheme() + " session from " + peer
                + " as librelp does: " + reason);
    }

    /** The decoder skips oversized data itself and emits the frame for {@link #syslog} to refuse. */
    @Override
    public void oversized(long length) {
    }

    /** An unfinished frame is never acknowledged: its sender sends it again. */
    @Override
    public void discarded(int bytes) {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            intake.metrics().tlsHandshakesFailed.increment();
            intake.problems().warn("tls_handshake", "TLS handshake with " + peer + " failed: "
                    + StreamHandler.rootMessage(handshake.cause()));
            ctx.close();
        } else if (event instanceof ChannelInputShutdownEvent
                || event instanceof SslCloseCompletionEvent close && close.isSuccess()) {
            // The sender sends nothing more; the answers it may still read go out as their messages commit.
            ending = true;
            sendAnswers();
        } else if (event instanceof IdleStateEvent && ctx.channel().config().isAutoRead() && unanswered.isEmpty()) {
            intake.metrics().connectionsIdleClosed.increment();
            ctx.writeAndFlush(serverclose()).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException) && !transport.isTls()) {
            intake.problems().warn("connection", "Closing the " + transport.scheme() + " session from " + peer
                    + ": " + StreamHandler.rootMessage(cause));
        }
        ctx.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
