package io.tributary.plugins.syslog;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The RELP sessions of one source, by the checkpoint stream each one's records carry
 * ({@code relp-<run>-<n>}): tells each which of its messages committed, forgets a session's stream
 * once it ended, and recognises messages a sender sends again after a break although they had
 * committed (duplicates in Kafka), to count them.
 *
 * <p>A resend is recognised by the checksum of the last message that committed on the session
 * that broke, kept per sender host (from the checkpoints a crashed agent committed, too): librelp
 * sends the unacknowledged messages again first on its next session, in order, so when one of the
 * first {@link #RESEND_WINDOW} messages of a new session from that host matches it, that message
 * and the ones before it on the new session had committed already.
 */
final class RelpSessions {
    /** Above the largest window librelp's senders are commonly given (128 by default). */
    static final int RESEND_WINDOW = 1024;
    /** Bounds the memory of sessions that broke and whose senders never came back. */
    private static final int MAX_HOSTS = 4096;
    private static final int MAX_ANCHORS_PER_HOST = 64;
    /** How long a stop waits for the {@code serverclose} hints to be written. */
    private static final long SERVERCLOSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong sessionNumbers = new AtomicLong();
    private final Map<String, RelpSession> byStream = new ConcurrentHashMap<>();
    /** Sender host → checksums of the last committed message of its sessions that ended. */
    private final Map<String, ArrayDeque<String>> anchors = new LinkedHashMap<>();
    private final MessageIntake intake;
    private final int maxMessageBytes;

    RelpSessions(MessageIntake intake, int maxMessageBytes) {
        this.intake = intake;
        this.maxMessageBytes = maxMessageBytes;
    }

    int maxMessageBytes() {
        return maxMessageBytes;
    }

    String newStream() {
        return "relp-" + run + "-" + sessionNumbers.incrementAndGet();
    }

    /**
     * Every stream committed before this start belongs to a session of an earlier run, gone: each is
     * forgotten, and what its last committed message was is kept to recognise its resend.
     */
    void forgetEarlierRuns(Map<String, Position> committed) {
        committed.forEach((stream, position) -> {
            if (position.get(RelpSession.POSITION_PEER) != null && position.get(RelpSession.POSITION_CRC) != null) {
                remember(position.get(RelpSession.POSITION_PEER), position.get(RelpSession.POSITION_CRC));
            }
            intake.checkpointOnly(new Checkpoint(stream, null));
        });
    }

    void opened(RelpSession session) {
        byStream.put(session.stream, session);
    }

    /** On the session's event loop, when its connection closed. */
    void closed(RelpSession session, String host, String committedCrc, boolean wroteRecords) {
        byStream.remove(session.stream);
        if (committedCrc != null) {
            remember(host, committedCrc);
        }
        if (wroteRecords) {
            intake.checkpointOnly(new Checkpoint(session.stream, null));
        }
    }

    private void remember(String host, String crc) {
        synchronized (anchors) {
            ArrayDeque<String> ofHost = anchors.remove(host);
            if (ofHost == null) {
                ofHost = new ArrayDeque<>();
            }
            anchors.put(host, ofHost);
            if (ofHost.size() == MAX_ANCHORS_PER_HOST) {
                ofHost.removeFirst();
            }
            ofHost.addLast(crc);
            if (anchors.size() > MAX_HOSTS) {
                anchors.remove(anchors.keySet().iterator().next());
            }
        }
    }

    /**
     * Called for each of the first {@link #RESEND_WINDOW} messages of a session: when it is the last
     * committed message of an earlier session of {@code host}, it and the {@code index - 1} before it
     * on this session are counted as resent.
     */
    void checkResent(String host, String crc, long index) {
        synchronized (anchors) {
            ArrayDeque<String> ofHost = anchors.get(host);
            if (ofHost != null && ofHost.remove(crc)) {
                intake.metrics().relpResent.increment(index);
                if (ofHost.isEmpty()) {
                    anchors.remove(host);
                }
            }
        }
    }

    /** On the commit thread: each session hears, on its event loop, up to which message it committed. */
    void committed(Map<String, Position> positions) {
        positions.forEach((stream, position) -> {
            RelpSession session = byStream.get(stream);
            if (session != null) {
                long seq = position.getLong(RelpSession.POSITION_SEQ);
                String crc = position.get(RelpSession.POSITION_CRC);
                Channel channel = session.channel();
                channel.eventLoop().execute(() -> session.acknowledge(seq, crc));
            }
        });
    }

    Collection<RelpSession> open() {
        return byStream.values();
    }

    /** Messages and commands of all sessions not answered yet. */
    long unacknowledged() {
        long sum = 0;
        for (RelpSession session : byStream.values()) {
            sum += session.unacknowledged();
        }
        return sum;
    }

    /** Stops reading every session; their answers still go out as their messages commit. */
    void stopReading() {
        for (RelpSession session : byStream.values()) {
            session.channel().eventLoop().execute(session::stopReading);
        }
    }

    /**
     * Waits until each session answered every message the agent took (its records {@code left} in
     * the queue never will be), or until {@code timeoutNanos} passed; then sends each the
     * {@code serverclose} hint and closes it. A message left unanswered is sent again by its sender.
     */
    void closeAll(List<SourceRecord> left, long timeoutNanos) throws InterruptedException {
        Map<String, Long> firstLeft = new HashMap<>();
        for (SourceRecord record : left) {
            Checkpoint checkpoint = record.checkpoint();
            if (checkpoint != null && checkpoint.position() != null) {
                firstLeft.putIfAbsent(checkpoint.stream(), checkpoint.position().getLong(RelpSession.POSITION_SEQ));
            }
        }
        long deadline = System.nanoTime() + timeoutNanos;
        for (RelpSession session : List.copyOf(byStream.values())) {
            Long notTaken = firstLeft.get(session.stream);
            long last = notTaken == null ? Long.MAX_VALUE : notTaken - 1;
            while (session.channel().isActive() && !session.answeredUpTo(last) && System.nanoTime() - deadline < 0) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }
        List<Channel> closing = new ArrayList<>();
        for (RelpSession session : List.copyOf(byStream.values())) {
            Channel channel = session.channel();
            channel.writeAndFlush(RelpSession.serverclose()).addListener(ChannelFutureListener.CLOSE);
            closing.add(channel);
        }
        // The hint goes out unless its sender stopped reading; the event loops' shutdown would cut it.
        long closeDeadline = System.nanoTime() + SERVERCLOSE_NANOS;
        for (Channel channel : closing) {
            channel.closeFuture().await(Math.max(0, closeDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }
}
