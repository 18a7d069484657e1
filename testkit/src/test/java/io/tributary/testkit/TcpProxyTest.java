package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
    private ServerSocket echoServer;
    private TcpProxy proxy;

    /** An echo server: every connection gets back what it sends, until it closes. */
    @BeforeEach
    void startEchoServerBehindAProxy() throws IOException {
        echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echoServer.isClosed()) {
                try {
                    Socket connection = echoServer.accept();
                    Thread echo = new Thread(() -> echo(connection));
                    echo.setDaemon(true);
                    echo.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = TcpProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), echoServer.getLocalPort()));
    }

    private static void echo(Socket connection) {
        try (connection) {
            connection.getInputStream().transferTo(connection.getOutputStream());
        } catch (IOException ended) {
            // The client or the proxy reset the connection: nothing to echo any more.
        }
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echoServer.close();
    }

    @Test
    void bytesPassBothWaysAndAreCounted() throws IOException {
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "hello", Duration.ofSeconds(5))).isEqualTo("hello");
            assertThat(proxy.address()).isEqualTo("127.0.0.1:" + proxy.port());
            assertThat(proxy.openConnections()).isEqualTo(1);
            // The count follows each write: the echo can reach the client a moment before it is counted.
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.forwardedBytes() == 10);
            assertThat(proxy.forwardedBytes()).isEqualTo(10);
        }
    }

    @Test
    void dropAcceptsConnectionsButForwardsNothingUntilPassThenDeliversWhatWasHeld() throws IOException {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "before", Duration.ofSeconds(5))).isEqualTo("before");
            proxy.drop();
            try (Socket during = connect()) {
                send(open, "held");
                send(during, "new");
                assertThatThrownBy(() -> receive(open, 4, Duration.ofMillis(500))).isInstanceOf(SocketTimeoutException.class);
                assertThatThrownBy(() -> receive(during, 3, Duration.ofMillis(500))).isInstanceOf(SocketTimeoutException.class);
                proxy.pass();
                assertThat(receive(open, 4, Duration.ofSeconds(5))).isEqualTo("held");
                assertThat(receive(during, 3, Duration.ofSeconds(5))).isEqualTo("new");
            }
        }
    }

    @Test
    void delayHoldsEveryChunkThatLongInEachDirection() throws IOException {
        proxy.delay(Duration.ofMillis(400));
        try (Socket client = connect()) {
            long started = System.nanoTime();
            assertThat(roundTrip(client, "slow", Duration.ofSeconds(5))).isEqualTo("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
            proxy.pass();
            started = System.nanoTime();
            assertThat(roundTrip(client, "fast", Duration.ofSeconds(5))).isEqualTo("fast");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(400));
        }
        assertThatThrownBy(() -> proxy.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delay must not be negative, got PT-0.001S");
    }

    @Test
    void resetResetsOpenConnectionsAndEveryNewOneUntilTheModeChanges() throws IOException {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "before", Duration.ofSeconds(5))).isEqualTo("before");
            proxy.reset();
            assertThatThrownBy(() -> receive(open, 1, Duration.ofSeconds(5))).isInstanceOf(SocketException.class)
                    .hasMessageContaining("Connection reset");
        }
        // The reset may reach the client while it still connects or once it reads: reset either way.
        assertThatThrownBy(() -> {
            try (Socket refused = connect()) {
                receive(refused, 1, Duration.ofSeconds(5));
            }
        }).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        proxy.pass();
        try (Socket after = connect()) {
            assertThat(roundTrip(after, "after", Duration.ofSeconds(5))).isEqualTo("after");
        }
    }

    @Test
    void cutAllResetsOpenConnectionsOnceAndNewOnesPass() throws IOException {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "before", Duration.ofSeconds(5))).isEqualTo("before");
            proxy.cutAll();
            assertThatThrownBy(() -> receive(open, 1, Duration.ofSeconds(5))).isInstanceOf(SocketException.class)
                    .hasMessageContaining("Connection reset");
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
        }
        try (Socket after = connect()) {
            assertThat(roundTrip(after, "after", Duration.ofSeconds(5))).isEqualTo("after");
        }
    }

    @Test
    void aServerThatIsDownResetsTheClient() throws IOException {
        // Bound but not listening: connections to it are refused, and no other socket can take its port meanwhile.
        try (Socket nobodyListens = new Socket()) {
            nobodyListens.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            proxy.close();
            proxy = TcpProxy.start((InetSocketAddress) nobodyListens.getLocalSocketAddress());
            assertThatThrownBy(() -> {
                try (Socket client = connect()) {
                    receive(client, 1, Duration.ofSeconds(10));
                }
            }).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        }
    }

    @Test
    void closeResetsEveryConnection() throws IOException {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "before", Duration.ofSeconds(5))).isEqualTo("before");
            proxy.close();
            assertThatThrownBy(() -> receive(open, 1, Duration.ofSeconds(5))).isInstanceOf(SocketException.class)
                    .hasMessageContaining("Connection reset");
            assertThat(proxy.openConnections()).isZero();
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 5000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text, Duration timeout) throws IOException {
        send(socket, text);
        return receive(socket, text.length(), timeout);
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String receive(Socket socket, int length, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        InputStream in = socket.getInputStream();
        byte[] bytes = new byte[length];
        int read = 0;
        while (read < length) {
            int n = in.read(bytes, read, length - read);
            if (n < 0) {
                throw new IOException("the connection ended after " + read + " of " + length + " bytes");
            }
            read += n;
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
