package io.tributary.plugins.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on the loopback address in front of a database, that can turn into a black hole: it
 * then keeps every connection open, accepts new ones, and forwards nothing either way, as a dropped
 * network or a hung server does. Forwarding resumes when it is restored.
 */
final class BlackHoleProxy implements AutoCloseable {
    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();
    private final Object gate = new Object();
    private boolean blackHole;
    private volatile boolean closed;

    BlackHoleProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "black-hole-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void swallowEverything() {
        synchronized (gate) {
            blackHole = true;
        }
    }

    void restore() {
        synchronized (gate) {
            blackHole = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(target);
                }
                pump(client, target);
                pump(target, client);
            } catch (IOException e) {
                // Closed, or the database refused: the client sees its connection fail.
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    awaitOpen();
                    out.write(buffer, 0, read);
                }
            } catch (IOException | InterruptedException e) {
                // One side closed: the other follows below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "black-hole-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Holds back what was read while the proxy is a black hole. */
    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (blackHole && !closed) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that was left to do with it.
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        restore();
        server.close();
        synchronized (sockets) {
            sockets.forEach(BlackHoleProxy::closeQuietly);
        }
    }
}
