package io.tributary.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends syslog messages over one RELP session as librelp's client does: {@code open}, then
 * {@code syslog} frames as long as fewer than {@link #WINDOW} are unacknowledged, then
 * {@code close} once all are acknowledged. A thread of its own reads the answers.
 */
final class RelpSender {
    /** omrelp's windowSize for a busy sender; librelp's default of 128 would bound any receiver that acknowledges late. */
    static final int WINDOW = 4096;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);

    private RelpSender() {
    }

    /** Sends {@link SyslogCase#message} 0 to {@code count - 1}, without their newline; returns once all are acknowledged. */
    static void send(int port, int count, Duration listenTimeout) {
        try (Socket socket = connect(port, listenTimeout)) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            frame(out, 1, "open", "relp_version=0\nrelp_software=tributary-benchmarks\ncommands=syslog"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            requireOk(readAnswer(in), 1);
            Semaphore window = new Semaphore(WINDOW);
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    for (int expected = 2; expected < count + 2; expected++) {
                        requireOk(readAnswer(in), expected);
                        window.release();
                    }
                } catch (IOException | RuntimeException e) {
                    failure.set(e);
                    window.release(WINDOW);
                }
            }, "relp-answers");
            reader.start();
            for (int number = 0; number < count; number++) {
                if (!window.tryAcquire()) {
                    out.flush();
                    if (!window.tryAcquire(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("no RELP answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
                    }
                }
                if (failure.get() != null) {
                    break;
                }
                byte[] message = SyslogCase.message(number);
                frame(out, number + 2, "syslog", Arrays.copyOf(message, message.length - 1));
            }
            out.flush();
            reader.join(ANSWER_TIMEOUT.toMillis());
            if (failure.get() != null) {
                throw new IllegalStateException("the RELP session failed: " + failure.get().getMessage(), failure.get());
            }
            frame(out, count + 2, "close", new byte[0]);
            out.flush();
            readAnswer(in);
        } catch (IOException e) {
            throw new UncheckedIOException("RELP session to 127.0.0.1:" + port + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Socket connect(int port, Duration listenTimeout) throws IOException {
        long deadline = System.nanoTime() + listenTimeout.toNanos();
        while (true) {
            try {
                return new Socket(InetAddress.getLoopbackAddress(), port);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("nothing listens on 127.0.0.1:" + port + " after "
                            + listenTimeout.toSeconds() + " s", e);
                }
                Topics.sleep(Duration.ofMillis(100));
            }
        }
    }

    private static void frame(OutputStream out, int txnr, String command, byte[] data) throws IOException {
        out.write((txnr + " " + command + " " + data.length + (data.length > 0 ? " " : "")).getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write('\n');
    }

    /** Reads {@code TXNR rsp DATALEN [SP DATA] LF}; returns "TXNR DATA". */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder header = new StringBuilder();
        int spaces = 0;
        int b;
        while ((b = in.read()) >= 0 && b != '\n' && !(b == ' ' && ++spaces == 3)) {
            header.append((char) b);
        }
        if (b < 0) {
            throw new IOException("the receiver closed the session after \"" + header + "\"");
        }
        String[] fields = header.toString().split(" ");
        int length = Integer.parseInt(fields[2]);
        String data = "";
        if (length > 0) {
            data = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
            in.read();
        }
        return fields[0] + " " + data;
    }

    private static void requireOk(String answer, int txnr) {
        if (!answer.startsWith(txnr + " 200")) {
            throw new IllegalStateException("expected 200 OK for transaction " + txnr + ", got \"" + answer + "\"");
        }
    }
}
