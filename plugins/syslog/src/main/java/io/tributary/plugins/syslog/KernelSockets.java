package io.tributary.plugins.syslog;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What Linux tells about this process's sockets in {@code /proc/net/{tcp,tcp6,udp,udp6}} (of the
 * process's network namespace): the bytes received and not yet read, and the datagrams a UDP socket
 * dropped because its receive buffer was full. Other systems offer no such files: then nothing is known.
 */
final class KernelSockets {
    private static final Path PROC_NET = Path.of("/proc/net");
    private static final List<String> TCP_TABLES = List.of("tcp", "tcp6");
    private static final List<String> UDP_TABLES = List.of("udp", "udp6");
    private static final int LOCAL_ADDRESS = 1;
    private static final int REMOTE_ADDRESS = 2;
    private static final int QUEUES = 4;
    private static final int UDP_DROPS = 12;

    private KernelSockets() {
    }

    /** A TCP connection as the kernel knows it: this side's address and the peer's. */
    record Connection(InetSocketAddress local, InetSocketAddress remote) {
    }

    /** True when this system has the tables, that is on Linux. */
    static boolean available() {
        return Files.isReadable(PROC_NET.resolve("udp"));
    }

    /**
     * The bytes the kernel received on {@code connections} that were not read yet (the tables'
     * {@code rx_queue}); -1 when that cannot be known.
     */
    static long unreadBytes(Collection<Connection> connections) {
        Set<Connection> wanted = Set.copyOf(connections);
        return rows(TCP_TABLES).map(rows -> rows.stream()
                .filter(row -> row.length > QUEUES
                        && wanted.contains(new Connection(address(row[LOCAL_ADDRESS]), address(row[REMOTE_ADDRESS]))))
                .mapToLong(row -> receiveQueue(row[QUEUES]))
                .sum()).orElse(-1L);
    }

    /**
     * The datagrams the UDP sockets bound to {@code local} dropped since they were opened, mostly
     * because their receive buffer was full; -1 when that cannot be known.
     */
    static long udpDrops(InetSocketAddress local) {
        return rows(UDP_TABLES).map(rows -> rows.stream()
                .filter(row -> row.length > UDP_DROPS && local.equals(address(row[LOCAL_ADDRESS])))
                .mapToLong(row -> Long.parseLong(row[UDP_DROPS]))
                .sum()).orElse(-1L);
    }

    /** The rows of the tables without their headers, each split into its columns; empty when they cannot be read. */
    private static Optional<List<String[]>> rows(List<String> tables) {
        List<String[]> rows = new ArrayList<>();
        for (String table : tables) {
            Path file = PROC_NET.resolve(table);
            if (!Files.isReadable(file)) {
                // tcp6 and udp6 are missing when IPv6 is off; tcp and udp exist wherever the tables do.
                if (table.endsWith("6")) {
                    continue;
                }
                return Optional.empty();
            }
            try {
                List<String> lines = Files.readAllLines(file);
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    rows.add(line.trim().split("\\s+"));
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(rows);
    }

    /** {@code tx_queue:rx_queue}, both hexadecimal. */
    private static long receiveQueue(String queues) {
        return Long.parseLong(queues.substring(queues.indexOf(':') + 1), 16);
    }

    /**
     * {@code 0100007F:6448}: the address as the kernel holds it, in 32-bit words each printed in the
     * machine's byte order, then the port. An IPv4-mapped IPv6 address comes back as its IPv4 address,
     * as Java reports the peers of a dual-stack socket.
     */
    static InetSocketAddress address(String column) {
        int colon = column.indexOf(':');
        String hex = column.substring(0, colon);
        ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int word = 0; word < hex.length(); word += 8) {
            bytes.putInt((int) Long.parseLong(hex.substring(word, word + 8), 16));
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes.array()),
                    Integer.parseInt(column.substring(colon + 1), 16));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + column, e);
        }
    }
}
