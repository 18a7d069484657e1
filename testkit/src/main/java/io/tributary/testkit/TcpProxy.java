package io.tributary.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on loopback between a client and a server, whose network can be broken and healed
 * while connections are open: for fault tests of Kafka clients against a broker that keeps running.
 *
 * <ul>
 *   <li>{@link #pass()}: bytes flow both ways (the start state).</li>
 *   <li>{@link #drop()}: a partition. Connections are accepted, but nothing is forwarded either way
 *       and nothing is refused, as when packets vanish; what was sent meanwhile is held and flows
 *       after {@link #pass()}, as TCP would retransmit it, unless an end gave up and closed.</li>
 *   <li>{@link #delay(Duration)}: a slow network. Each chunk read is held that long before it is
 *       forwarded, so one connection carries at most one chunk per delay in each direction.</li>
 *   <li>{@link #reset()}: every open connection is reset (RST) and every new one is reset as soon as
 *       it is accepted, as when a firewall rejects the traffic.</li>
 *   <li>{@link #cutAll()}: resets the open connections once and leaves the mode as it is.</li>
 * </ul>
 *
 * <p>Every method may be called from any thread. Each connection uses two threads, so the proxy is
 * for clients with a handful of connections, as Kafka clients have. {@link #close()} resets every
 * connection and frees the port.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start(new InetSocketAddress("127.0.0.1", brokerPort))) {
 *     // point the client at proxy.address()
 *     proxy.drop();
 *     proxy.pass();
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int CHUNK_BYTES = 64 * 1024;

    private enum Mode { PASS, DROP, RESET }

    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong forwardedBytes = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Mode mode = Mode.PASS;
    private Duration delay = Duration.ZERO;
    private boolean closed;

    private TcpProxy(InetSocketAddress upstream, ServerSocket server) {
        this.upstream = upstream;
        this.server = server;
    }

    /** Starts a proxy to {@code upstream} on a free loopback port, passing bytes both ways. */
    public static TcpProxy start(InetSocketAddress upstream) {
        ServerSocket server;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port for a proxy to " + upstream, e);
        }
        TcpProxy proxy = new TcpProxy(upstream, server);
        daemon("tributary-testkit-proxy-accept-" + server.getLocalPort(), proxy::acceptLoop).start();
        return proxy;
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, for a client's {@code bootstrap.servers}. */
    public String address() {
        return server.getInetAddress().getHostAddress() + ":" + port();
    }

    /**
     * Forwards bytes both ways again, with no delay. What {@link #drop()} or {@link #delay} held flows
     * on, even on a connection whose end closed meanwhile, which TCP would refuse: {@link #cutAll()}
     * first to lose it.
     */
    public void pass() {
        change(Mode.PASS, Duration.ZERO);
    }

    /** Forwards nothing from now on, even on connections open now, and refuses nothing. */
    public void drop() {
        change(Mode.DROP, Duration.ZERO);
    }

    /** Forwards every chunk {@code delay} after it was read, on open and new connections. */
    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, got " + delay);
        }
        change(Mode.PASS, delay);
    }

    /** Resets every open connection and, until the mode changes, every new one. */
    public void reset() {
        change(Mode.RESET, Duration.ZERO);
        cutAll();
    }

    /** Resets every open connection once; new connections are treated as the mode says. */
    public void cutAll() {
        for (Link link : links) {
            link.close();
        }
    }

    /** How many client connections are open. */
    public int openConnections() {
        return links.size();
    }

    /** How many bytes were forwarded, both ways together, since the start. */
    public long forwardedBytes() {
        return forwardedBytes.get();
    }

    /** Resets every connection and stops listening. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the proxy's port " + port(), e);
        }
        cutAll();
    }

    @Override
    public String toString() {
        return "TcpProxy[" + address() + " -> " + upstream.getHostString() + ":" + upstream.getPort() + "]";
    }

    private void change(Mode newMode, Duration newDelay) {
        lock.lock();
        try {
            mode = newMode;
            delay = newDelay;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                // Closed by close(); anything else on a loopback listener is as fatal for the proxy.
                return;
            }
            Link link = new Link(client);
            links.add(link);
            if (currentMode() == Mode.RESET) {
                link.close();
                continue;
            }
            daemon("tributary-testkit-proxy-connect-" + client.getPort(), link::connect).start();
        }
    }

    private Mode currentMode() {
        lock.lock();
        try {
            return mode;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a chunk read at {@code readNanos} may be forwarded: not while dropping, and not
     * before the delay passed. False when the proxy or the link closed meanwhile.
     */
    private boolean awaitForwarding(Link link, long readNanos) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (closed || link.closed) {
                    return false;
                }
                if (mode == Mode.RESET) {
                    return false;
                }
                if (mode == Mode.PASS) {
                    long remaining = readNanos + delay.toNanos() - System.nanoTime();
                    if (remaining <= 0) {
                        return true;
                    }
                    changed.awaitNanos(remaining);
                } else {
                    changed.await();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One client connection and, once made, its connection to the upstream server. */
    private final class Link {
        private final Socket client;
        private volatile Socket toServer;
        private volatile boolean closed;

        Link(Socket client) {
            this.client = client;
        }

        /* Connects upstream only once forwarding is allowed: a partition also keeps a SYN from arriving. */
        void connect() {
            try {
                if (!awaitForwarding(this, System.nanoTime())) {
                    close();
                    return;
                }
                Socket upstreamSocket = new Socket();
                toServer = upstreamSocket;
                if (closed) {
                    close();
                    return;
                }
                upstreamSocket.connect(upstream, (int) CONNECT_TIMEOUT.toMillis());
                upstreamSocket.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                // The server is down: the client sees the connection reset, as with a refused one.
                close();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                return;
            }
            daemon("tributary-testkit-proxy-up-" + client.getPort(), () -> pump(client, toServer)).start();
            daemon("tributary-testkit-proxy-down-" + client.getPort(), () -> pump(toServer, client)).start();
        }

        private void pump(Socket from, Socket to) {
            byte[] chunk = new byte[CHUNK_BYTES];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int read = in.read(chunk);
                    if (read < 0) {
                        // A half-close passes on as one; the link ends when both directions did.
                        to.shutdownOutput();
                        if (from.isOutputShutdown() || to.isInputShutdown()) {
                            close();
                        }
                        return;
                    }
                    if (!awaitForwarding(this, System.nanoTime())) {
                        close();
                        return;
                    }
                    out.write(chunk, 0, read);
                    out.flush();
                    forwardedBytes.addAndGet(read);
                }
            } catch (IOException e) {
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        /** Resets both connections (SO_LINGER 0 makes close send RST) and wakes the pumps. */
        void close() {
            closed = true;
            links.remove(this);
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            resetQuietly(client);
            Socket upstreamSocket = toServer;
            if (upstreamSocket != null) {
                resetQuietly(upstreamSocket);
            }
        }

        private void resetQuietly(Socket socket) {
            try {
                if (!socket.isClosed()) {
                    socket.setSoLinger(true, 0);
                }
                socket.close();
            } catch (IOException e) {
                // Already gone: nothing left to reset.
            }
        }
    }
}
