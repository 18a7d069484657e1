package io.tributary.plugins.syslog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A RELP client for tests that writes frames exactly as librelp's client does and reads the
 * server's frames one by one, so a test can check each answer, its order and its timing.
 */
final class RelpTestClient implements AutoCloseable {
    static final String LIBRELP_OPEN = "relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\n"
            + "commands=syslog";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int txnr = 1;

    /** A frame read from the server. */
    record Frame(int txnr, String command, String data) {
    }

    RelpTestClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Over a socket already connected, e.g. a TLS one. */
    RelpTestClient(Socket socket) throws IOException {
        this.socket = socket;
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends {@code open} with librelp's offers and returns the answer. */
    Frame open() throws IOException {
        send("open", LIBRELP_OPEN);
        return read(Duration.ofSeconds(10));
    }

    /** Sends a command with the next transaction number; returns that number. */
    int send(String command, String data) throws IOException {
        int sent = txnr;
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        String header = sent + " " + command + " " + bytes.length;
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        if (bytes.length > 0) {
            frame.write(' ');
            frame.writeBytes(bytes);
        }
        frame.write('\n');
        out.write(frame.toByteArray());
        out.flush();
        txnr++;
        return sent;
    }

    int syslog(String message) throws IOException {
        return send("syslog", message);
    }

    void sendRaw(String bytes) throws IOException {
        out.write(bytes.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next frame from the server, or {@code null} when none came within {@code timeout}. */
    Frame read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            String header = readUntilSpaceOrLf(3);
            String[] fields = header.split(" ");
            int length = Integer.parseInt(fields[2].trim());
            String data = "";
            if (length > 0) {
                data = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                if (in.read() != '\n') {
                    throw new IOException("no LF after the data of " + header);
                }
            }
            return new Frame(Integer.parseInt(fields[0]), fields[1], data);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Reads {@code TXNR SP COMMAND SP DATALEN} and the space or LF after it. */
    private String readUntilSpaceOrLf(int fields) throws IOException {
        StringBuilder header = new StringBuilder();
        int spaces = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection after \"" + header + "\"");
            }
            if (b == '\n' || b == ' ' && ++spaces == fields) {
                return header.toString();
            }
            header.append((char) b);
        }
    }

    /** True when the server closed the connection within {@code timeout}, after whatever it still sent. */
    boolean closedByServer(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            while (in.read() >= 0) {
                continue;
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
