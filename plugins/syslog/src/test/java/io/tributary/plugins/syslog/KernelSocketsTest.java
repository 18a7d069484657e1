package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelSocketsTest {

    @Test
    void addressesAreReadAsTheKernelPrintsThemOnALittleEndianMachine() throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the tables print words in the machine's order");

        assertThat(KernelSockets.address("0100007F:6448"))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0x6448));
        assertThat(KernelSockets.address("00000000:0202")).isEqualTo(new InetSocketAddress("0.0.0.0", 514));
        assertThat(KernelSockets.address("00000000000000000000000001000000:01BB"))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 443));
        assertThat(KernelSockets.address("0000000000000000FFFF00000100007F:0035"))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53));
    }

    @Test
    void unreadBytesAreWhatTheKernelReceivedAndNobodyRead() throws Exception {
        assumeTrue(KernelSockets.available(), "the tables are Linux's");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             Socket sender = new Socket("127.0.0.1", server.getLocalPort());
             Socket receiver = server.accept()) {
            OutputStream out = sender.getOutputStream();
            out.write(new byte[1000]);
            out.flush();
            KernelSockets.Connection unread = new KernelSockets.Connection(
                    (InetSocketAddress) receiver.getLocalSocketAddress(), (InetSocketAddress) receiver.getRemoteSocketAddress());
            KernelSockets.Connection sending = new KernelSockets.Connection(
                    (InetSocketAddress) sender.getLocalSocketAddress(), (InetSocketAddress) sender.getRemoteSocketAddress());

            await().atMost(Duration.ofSeconds(10)).until(() -> KernelSockets.unreadBytes(List.of(unread)) == 1000);
            assertThat(KernelSockets.unreadBytes(List.of(sending))).isZero();
            assertThat(receiver.getInputStream().readNBytes(400)).hasSize(400);
            assertThat(KernelSockets.unreadBytes(List.of(unread, sending))).isEqualTo(600);
        }
    }
}
