package io.tributary.plugins.syslog;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * One entry of {@code listen}: a transport, a host to bind and a port, written
 * {@code udp://0.0.0.0:514}, {@code tcp://[::]:514}, {@code tls://127.0.0.1:6514} or
 * {@code relp://0.0.0.0:2514}.
 *
 * @param port 0 lets the system pick a free port
 */
record ListenAddress(Transport transport, String host, int port) {

    /**
     * Parses an address as written in {@code listen}.
     *
     * @throws IllegalArgumentException saying what is wrong, for the settings error
     */
    static ListenAddress parse(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new IllegalArgumentException("the scheme is missing");
        }
        Transport transport = Transport.ofScheme(scheme);
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("it needs a host and a port");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("it must hold only a scheme, a host and a port");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new ListenAddress(transport, host, uri.getPort());
    }

    /** This address with another port, e.g. the one the system picked for port 0. */
    ListenAddress withPort(int boundPort) {
        return new ListenAddress(transport, host, boundPort);
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return transport.scheme() + "://" + hostPart + ":" + port;
    }
}
