package io.tributary.plugins.syslog;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * Receives syslog over the {@code listen} addresses on Netty's threads and hands the queued records
 * to the agent in {@link #poll}. Records of UDP, TCP and TLS carry no checkpoint: they cannot be
 * replayed. Records of RELP carry one of their session's stream, so that {@link #committed} tells
 * the session which messages to acknowledge; RELP sessions run on event loops of their own, which
 * live on after the stop until the last acknowledgements went out in {@link #close}.
 */
public final class SyslogSource implements SourceTask {
    /** One thread accepts and the other reads; two cores' worth is plenty for syslog rates. */
    private static final int EVENT_LOOP_THREADS = 2;
    private static final int MAX_RECORDS_PER_POLL = 1000;
    private static final long POLL_WAIT_MILLIS = 500;
    /**
     * How long a graceful stop reads on connections their senders have not closed: a sender that
     * wrote a burst and closed finds it all handed over, one that stays connected delays the stop
     * by this much at most.
     */
    static final long STOP_READING_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long STOP_CHECK_MILLIS = 50;
    /** How long a task on an event loop may take before the stop gives up waiting for it. */
    private static final long EVENT_LOOP_TASK_MILLIS = 1000;
    /** The largest UDP payload; a bigger receive buffer would never fill. */
    private static final int MAX_DATAGRAM_BYTES = 65_535;
    /**
     * How long {@link #close} waits for the commit of what RELP senders sent before the stop, so that
     * they hear of it and do not send it again; Kafka commits every commit_interval (100 ms by default).
     */
    static final long STOP_ACKNOWLEDGE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Netty's default, set here so that it is documented: a client silent before its handshake holds a connection this long. */
    static final long TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final SyslogConfig config;
    private final Clock clock;
    private final RecordQueue queue;
    private final AtomicInteger openConnections = new AtomicInteger();
    private final Set<Channel> openChannels = ConcurrentHashMap.newKeySet();
    private final Set<Channel> pausedChannels = ConcurrentHashMap.newKeySet();
    private final List<ListenAddress> boundAddresses = new ArrayList<>();
    private final List<Channel> listeners = new ArrayList<>();
    private volatile EventLoopGroup eventLoops;
    private volatile EventLoopGroup relpLoops;
    private volatile boolean stopping;
    private volatile long stopReadingAt;
    private boolean backlogCounted;
    private Logger logger;
    private SyslogMetrics metrics;
    private MessageIntake intake;
    private RelpSessions relpSessions;
    /** {@code null} without {@code spool}. */
    private Spool spool;
    private ScheduledExecutorService spoolSync;

    SyslogSource(SyslogConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.queue = new RecordQueue(config.queueMaxMessages(), config.queueMaxBytes());
    }

    @Override
    public void start(SourceContext context) throws Exception {
        logger = context.logger();
        ProblemLog problems = new ProblemLog(logger);
        metrics = new SyslogMetrics(context.metrics(), queue, openConnections::get);
        openSpool(context);
        intake = new MessageIntake(new RecordFactory(config, clock, metrics, problems), queue, spool, metrics, problems);
        relpSessions = new RelpSessions(intake, config.maxMessageBytes());
        relpSessions.forgetEarlierRuns(context.committedPositions());
        SslContext sslContext = sslContext();
        eventLoops = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS,
                new DefaultThreadFactory("syslog-" + context.sourceName(), true), NioIoHandler.newFactory());
        if (config.listen().stream().anyMatch(address -> address.transport().isRelp())) {
            relpLoops = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS,
                    new DefaultThreadFactory("relp-" + context.sourceName(), true), NioIoHandler.newFactory());
            metrics.relpUnacknowledged(context.metrics(), relpSessions::unacknowledged);
        }
        for (ListenAddress address : config.listen()) {
            Transport transport = address.transport();
            ChannelFuture bound = transport == Transport.UDP
                    ? udpBootstrap().bind(address.socketAddress())
                    : streamBootstrap(transport, sslContext, transport.isRelp() ? relpLoops : eventLoops)
                            .bind(address.socketAddress());
            bound.awaitUninterruptibly();
            if (!bound.isSuccess()) {
                throw new IOException("cannot listen on " + address + ": " + bound.cause().getMessage(), bound.cause());
            }
            int port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
            ListenAddress actual = address.withPort(port);
            synchronized (boundAddresses) {
                boundAddresses.add(actual);
                listeners.add(bound.channel());
            }
            logger.info("Listening for syslog on {}{}", actual, address.port() == 0 ? " (port 0 asked)" : "");
            if (address.transport() == Transport.UDP) {
                reportReceiveBuffer(actual, (DatagramChannel) bound.channel());
            }
        }
        List<InetSocketAddress> udpSockets = udpSockets();
        if (!udpSockets.isEmpty() && KernelSockets.available()) {
            metrics.udpReceiveBufferDrops(context.metrics(), () -> kernelDrops(udpSockets));
        }
    }

    /**
     * Opens the spool, if configured, and syncs its batch every {@link Spool#SYNC_INTERVAL_MILLIS} on a
     * thread of its own: an event loop writes only a full batch (64 KiB), so a trickle of messages
     * never waits for the disk.
     */
    private void openSpool(SourceContext context) throws IOException {
        if (config.spool() == null) {
            return;
        }
        Path dir = config.spool().dir() != null ? config.spool().dir() : context.dataDir().resolve("spool");
        spool = Spool.open(dir, config.topic(), config.spool().maxBytes());
        metrics.spool(context.metrics(), spool);
        if (spool.messages() > 0) {
            logger.info("The spool {} holds {} messages ({} bytes) from before: they are sent first", spool.path(),
                    spool.messages(), spool.bytes());
        }
        spoolSync = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("spool-" + context.sourceName(), true));
        spoolSync.scheduleWithFixedDelay(this::syncSpool, Spool.SYNC_INTERVAL_MILLIS, Spool.SYNC_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private void syncSpool() {
        try {
            spool.flush();
        } catch (IOException | RuntimeException e) {
            intake.problems().warn("spool", "Cannot write to the spool " + spool.path() + ": " + e.getMessage());
        }
    }

    /** NaN in the unlikely case that the kernel's table cannot be read any more. */
    private static Number kernelDrops(List<InetSocketAddress> udpSockets) {
        long drops = 0;
        for (InetSocketAddress socket : udpSockets) {
            long socketDrops = KernelSockets.udpDrops(socket);
            if (socketDrops < 0) {
                return Double.NaN;
            }
            drops += socketDrops;
        }
        return drops;
    }

    /** Linux grants at most net.core.rmem_max; Java reports what it granted in the terms it was asked. */
    private void reportReceiveBuffer(ListenAddress address, DatagramChannel channel) {
        int granted = channel.config().getReceiveBufferSize();
        if (granted < config.udpReceiveBufferBytes()) {
            logger.info("The system granted {} a receive buffer of {} bytes, less than udp_receive_buffer_bytes ({});"
                    + " on Linux, raise net.core.rmem_max to get more", address, granted, config.udpReceiveBufferBytes());
        }
    }

    private List<InetSocketAddress> udpSockets() {
        synchronized (boundAddresses) {
            return listeners.stream().filter(DatagramChannel.class::isInstance)
                    .map(listener -> (InetSocketAddress) listener.localAddress()).toList();
        }
    }

    private SslContext sslContext() throws IOException {
        if (config.listen().stream().noneMatch(address -> address.transport().isTls())) {
            return null;
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(config.tlsCert().toFile(), config.tlsKey().toFile());
            if (config.tlsClientCa() != null) {
                builder.trustManager(config.tlsClientCa().toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return builder.build();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot set up TLS from tls.cert " + config.tlsCert() + ", tls.key "
                    + config.tlsKey() + (config.tlsClientCa() == null ? "" : ", tls.client_ca " + config.tlsClientCa())
                    + ": " + e.getMessage(), e);
        }
    }

    private Bootstrap udpBootstrap() {
        int bufferBytes = Math.min(config.maxMessageBytes() + 1, MAX_DATAGRAM_BYTES);
        return new Bootstrap()
                .group(eventLoops)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, config.udpReceiveBufferBytes())
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(bufferBytes))
                .handler(new DatagramHandler(intake, config.maxMessageBytes()));
    }

    private ServerBootstrap streamBootstrap(Transport transport, SslContext sslContext, EventLoopGroup loops) {
        return new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // A sender's close then reaches the decoder apart from a close by this side.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(64, 2048, SyslogConfig.READ_BUFFER_BYTES))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (!admit(channel, transport.isRelp())) {
                            return;
                        }
                        if (config.idleTimeout() != null) {
                            channel.pipeline().addLast(new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0,
                                    TimeUnit.MILLISECONDS));
                        }
                        if (transport.isTls()) {
                            SslHandler tls = sslContext.newHandler(channel.alloc());
                            tls.setHandshakeTimeoutMillis(TLS_HANDSHAKE_TIMEOUT_MILLIS);
                            channel.pipeline().addLast(tls);
                        }
                        if (transport.isRelp()) {
                            RelpSession session = new RelpSession(transport, intake, relpSessions, SyslogSource.this::pause);
                            channel.pipeline().addLast(new RelpFrameDecoder(config.maxMessageBytes(), session,
                                    metrics.connectionBufferedBytes), session);
                            return;
                        }
                        StreamHandler handler = new StreamHandler(transport, intake, config.maxMessageBytes(),
                                SyslogSource.this::pause);
                        channel.pipeline().addLast(new SyslogFrameDecoder(config.framing(), config.maxMessageBytes(),
                                handler, metrics.connectionBufferedBytes), handler);
                    }
                });
    }

    /**
     * Counts the connection in, or closes it when {@code max_connections} are open. A RELP session is
     * not among the connections a stop reads on and cuts: it stops reading at once and is closed in
     * {@link #close}, once answered.
     */
    private boolean admit(SocketChannel channel, boolean relp) {
        if (openConnections.incrementAndGet() > config.maxConnections()) {
            openConnections.decrementAndGet();
            intake.metrics().connectionsRejected.increment();
            intake.problems().warn("connection_rejected", "Closed a connection from "
                    + Peers.format(channel.remoteAddress()) + ": max_connections (" + config.maxConnections()
                    + ") are open");
            channel.close();
            return false;
        }
        if (!relp) {
            openChannels.add(channel);
        }
        channel.closeFuture().addListener(closed -> {
            openChannels.remove(channel);
            openConnections.decrementAndGet();
            pausedChannels.remove(channel);
        });
        return true;
    }

    /** Called on the channel's event loop when the queue is full. */
    private void pause(Channel channel) {
        // Turned off before it is listed, so a resume never misses a channel that is off.
        channel.config().setAutoRead(false);
        pausedChannels.add(channel);
    }

    /** Reads the paused channels again, first the messages their decoders held back. */
    private void resumePausedChannels() {
        for (Channel channel : pausedChannels) {
            if (pausedChannels.remove(channel)) {
                channel.eventLoop().execute(() -> {
                    RelpSession relp = channel.pipeline().get(RelpSession.class);
                    if (relp != null) {
                        relp.resumeFromQueue();
                    } else {
                        channel.config().setAutoRead(true);
                        channel.pipeline().fireUserEventTriggered(SyslogFrameDecoder.DECODE_HELD_MESSAGES);
                    }
                });
            }
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException, IOException {
        if (stopping) {
            return drainAfterStop();
        }
        boolean spooled = spool != null && spool.hasReadable();
        List<SourceRecord> records = queue.take(MAX_RECORDS_PER_POLL, spooled ? 0 : POLL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (records.isEmpty() && spooled) {
            // The queue holds only what is older than the spool: once it is empty, the spool's turn.
            records = spool.next();
        }
        if (!pausedChannels.isEmpty() && queue.isBelowLowWater() && (spool == null || !spool.isAboveHalf()) && !stopping) {
            resumePausedChannels();
        }
        return records;
    }

    /**
     * After {@link #stop} the open connections are read until their senders close them or
     * {@link #STOP_READING_NANOS} passed, then cut; what they still decode on the way joins the
     * queue, so the queue only counts as empty once every event loop has finished. While stopping,
     * a paused connection reads again as soon as the queue has room, to read as much as the agent
     * takes before the deadline.
     */
    private List<SourceRecord> drainAfterStop() throws InterruptedException {
        EventLoopGroup loops = eventLoops;
        if (loops != null && !backlogCounted) {
            awaitConnectionsAcceptedBeforeTheListenersClosed(loops);
            backlogCounted = true;
        }
        while (true) {
            if (loops != null && !loops.isShuttingDown()) {
                if (System.nanoTime() - stopReadingAt >= 0) {
                    cutOpenConnections(STOP_READING_NANOS / 1_000_000_000 + " s after the stop");
                }
                if (openChannels.isEmpty()) {
                    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                } else if (!pausedChannels.isEmpty() && queue.hasRoom()) {
                    resumePausedChannels();
                }
            }
            boolean listenersDone = loops == null || loops.isTerminated();
            List<SourceRecord> records = queue.take(MAX_RECORDS_PER_POLL, listenersDone ? 0 : STOP_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
            if (!records.isEmpty() || listenersDone) {
                return records;
            }
        }
    }

    /**
     * Stops reading the connections still open, counts what their senders had sent that was never
     * read (the kernel knows on Linux), and closes them. Their decoders then hand on the complete
     * messages they held and discard, counted, what is left of an unfinished one.
     */
    private void cutOpenConnections(String when) {
        // A channel whose close is still being reported is not open any more.
        List<Channel> open = openChannels.stream().filter(Channel::isOpen).toList();
        if (open.isEmpty()) {
            return;
        }
        // Nothing is read after this, so what the kernel holds now is exactly what is lost.
        List<Future<?>> stopped = open.stream()
                .<Future<?>>map(channel -> channel.eventLoop().submit(() -> channel.config().setAutoRead(false)))
                .toList();
        stopped.forEach(done -> done.awaitUninterruptibly(EVENT_LOOP_TASK_MILLIS));
        long unread = KernelSockets.unreadBytes(open.stream()
                .map(channel -> new KernelSockets.Connection((InetSocketAddress) channel.localAddress(),
                        (InetSocketAddress) channel.remoteAddress()))
                .toList());
        if (unread > 0) {
            metrics.stopUnreadBytes.increment(unread);
            logger.warn("Closing {} connections still open {}: {} bytes their senders had sent were not read yet"
                    + " and are lost", open.size(), when, unread);
        } else {
            logger.info("Closing {} connections still open {}{}", open.size(), when, unread == 0
                    ? ": their senders had sent nothing more" : "; this system does not tell what they had sent unread");
        }
        open.forEach(Channel::close);
        open.forEach(channel -> channel.closeFuture().awaitUninterruptibly(EVENT_LOOP_TASK_MILLIS));
    }

    /**
     * A listener accepts the connections waiting in its backlog before it runs its close, and each
     * is counted in {@code openConnections} by a task on some event loop; once a task queued behind
     * those on every loop has run, all of them are counted, and none is closed as if there were none.
     */
    private void awaitConnectionsAcceptedBeforeTheListenersClosed(EventLoopGroup loops) throws InterruptedException {
        List<Channel> closing;
        synchronized (boundAddresses) {
            closing = List.copyOf(listeners);
        }
        for (Channel listener : closing) {
            listener.closeFuture().await(STOP_READING_NANOS, TimeUnit.NANOSECONDS);
        }
        for (EventExecutor loop : loops) {
            loop.submit(() -> { }).await(STOP_READING_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Tells the RELP sessions which of their messages committed, so that they acknowledge them, and
     * the spool which of its elements it may remove.
     */
    @Override
    public void committed(Map<String, Position> positions) {
        Position spooled = positions.get(Spool.STREAM);
        if (spooled != null && spool != null) {
            try {
                spool.committed(spooled.getLong(Spool.POSITION_ELEMENT));
            } catch (IOException e) {
                intake.problems().warn("spool", "Cannot remove what committed from the spool " + spool.path() + ": "
                        + e.getMessage() + "; it is sent again after a restart");
            }
        }
        RelpSessions sessions = relpSessions;
        if (sessions != null) {
            sessions.committed(positions);
        }
    }

    /**
     * Closes the listeners at once; the open TCP and TLS connections are read on in
     * {@link #drainAfterStop}; RELP sessions stop reading at once, as their senders keep what was
     * not acknowledged.
     */
    @Override
    public void stop() {
        if (stopping) {
            return;
        }
        stopReadingAt = System.nanoTime() + STOP_READING_NANOS;
        stopping = true;
        closeListeners();
        if (relpSessions != null) {
            relpSessions.stopReading();
        }
        queue.wakeUp();
    }

    private void closeListeners() {
        synchronized (boundAddresses) {
            listeners.forEach(Channel::close);
        }
    }

    /**
     * After a drain the event loops have ended; otherwise (a failed start or poll) the connections are
     * cut here. RELP sessions are answered for what the agent took, then closed with a
     * {@code serverclose}.
     */
    @Override
    public void close() throws InterruptedException, IOException {
        EventLoopGroup relp = relpLoops;
        if (relp != null) {
            closeRelpSessions(relp);
        }
        EventLoopGroup loops = eventLoops;
        if (loops != null) {
            if (!loops.isShuttingDown()) {
                closeListeners();
                cutOpenConnections("as the source closes");
            }
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        closeSpool();
    }

    /** After the listeners ended: what is spooled and not handed over stays on disk for the next start. */
    private void closeSpool() throws IOException, InterruptedException {
        if (spool == null) {
            return;
        }
        spoolSync.shutdown();
        spoolSync.awaitTermination(5, TimeUnit.SECONDS);
        spool.close();
    }

    private void closeRelpSessions(EventLoopGroup relp) throws InterruptedException {
        closeListeners();
        relpSessions.stopReading();
        List<SourceRecord> notTaken = queue.take(Integer.MAX_VALUE, 0, TimeUnit.MILLISECONDS);
        relpSessions.closeAll(notTaken, STOP_ACKNOWLEDGE_NANOS);
        relp.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** The addresses listened on, in {@code listen} order, with the ports the system picked for port 0. */
    List<ListenAddress> boundAddresses() {
        synchronized (boundAddresses) {
            return List.copyOf(boundAddresses);
        }
    }
}
