package io.tributary.plugins.syslog;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Writes a sender's address as the {@code peer} field shows it: {@code ip:port}, IPv6 in brackets. */
final class Peers {
    private Peers() {
    }

    static String format(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet)) {
            return String.valueOf(address);
        }
        String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
}
