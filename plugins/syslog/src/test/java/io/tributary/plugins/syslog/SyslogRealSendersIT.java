package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syslog source fed by real senders: util-linux {@code logger} over UDP and over TCP with octet
 * counting, rsyslog forwarding a file over TCP, octet-counted and newline-framed, and over RELP.
 * Needs {@code /usr/bin/logger} (Debian bsdutils), {@code rsyslogd} (Debian rsyslog) and its omrelp
 * (Debian rsyslog-relp); runs in the {@code real-senders} profile only.
 */
class SyslogRealSendersIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration SENDER_EXIT = Duration.ofSeconds(60);
    private static final int UDP_WINDOW = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void loggerOverUdpArrivesExactlyOnceWithItsFields() throws Exception {
        int count = 300;
        try (SyslogAgent agent = SyslogAgent.start(dir, "logger-udp", List.of("\"udp://127.0.0.1:0\""), "")) {
            Process logger = start(dir.resolve("logger.out"), "logger", "-n", "127.0.0.1", "-P",
                    Integer.toString(agent.port("udp")), "-d", "--rfc5424=notq", "-t", "billing", "--id=4242",
                    "--msgid", "ORDER", "-p", "local3.warning", "--sd-id", "order@32473", "--sd-param", "via=\"udp\"");
            List<String> sent = new ArrayList<>();
            try (OutputStream stdin = logger.getOutputStream()) {
                for (int seq = 0; seq < count; seq++) {
                    String line = "logger udp message " + seq;
                    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    sent.add(line);
                    if (sent.size() % UDP_WINDOW == 0) {
                        // UDP has no flow control: a window at a time keeps the kernel from dropping any.
                        stdin.flush();
                        int received = sent.size();
                        await().atMost(WAIT).until(() -> agent.metric("tributary_syslog_udp_messages_total") >= received);
                    }
                }
            }
            assertExited(logger, dir.resolve("logger.out"));
            agent.awaitCount(count, WAIT);
            agent.stopGracefully();

            List<JsonNode> values = json(agent.readAll());
            Delivered.assertExactlyOnce(messages(values), sent);
            assertThat(values).allSatisfy(value -> {
                assertLoggerFields(value);
                assertThat(value.get("structured_data").toString()).isEqualTo("{\"order@32473\":{\"via\":\"udp\"}}");
            });
        }
    }

    @Test
    void loggerOverTcpWithOctetCountingArrivesExactlyOnceWithItsStructuredData() throws Exception {
        int count = 300;
        try (SyslogAgent agent = SyslogAgent.start(dir, "logger-tcp", List.of("\"tcp://127.0.0.1:0\""), "")) {
            Process logger = start(dir.resolve("logger.out"), "logger", "-n", "127.0.0.1", "-P",
                    Integer.toString(agent.port("tcp")), "-T", "--octet-count", "--rfc5424", "-t", "billing",
                    "--id=4242", "--msgid", "ORDER", "-p", "local3.warning", "--sd-id", "order@32473",
                    "--sd-param", "via=\"tcp \\\"octet\\\" counted\"");
            List<String> sent = new ArrayList<>();
            try (OutputStream stdin = logger.getOutputStream()) {
                for (int seq = 0; seq < count; seq++) {
                    String line = "logger tcp message " + seq;
                    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    sent.add(line);
                }
            }
            assertExited(logger, dir.resolve("logger.out"));
            agent.awaitCount(count, WAIT);
            agent.stopGracefully();

            List<JsonNode> values = json(agent.readAll());
            Delivered.assertExactlyOnce(messages(values), sent);
            assertThat(values).allSatisfy(value -> {
                assertLoggerFields(value);
                JsonNode structuredData = value.get("structured_data");
                assertThat(structuredData.get("order@32473").toString()).isEqualTo("{\"via\":\"tcp \\\"octet\\\" counted\"}");
                assertThat(structuredData.get("timeQuality").get("tzKnown").asText()).isEqualTo("1");
            });
        }
    }

    @Test
    void rsyslogForwardingThousandsOfLinesOverTcpDeliversEachExactlyOnce() throws Exception {
        int count = 5000;
        List<String> lines = new ArrayList<>(count);
        for (int seq = 0; seq < count; seq++) {
            lines.add("rsyslog forwarded line " + seq);
        }
        Path input = Files.write(dir.resolve("input.log"), lines);
        try (SyslogAgent agent = SyslogAgent.start(dir, "rsyslog-tcp", List.of("\"tcp://127.0.0.1:0\""), "")) {
            Process rsyslogd = startRsyslogd(input, agent.port("tcp"), "octet-counted", "RSYSLOG_SyslogProtocol23Format");
            try {
                agent.awaitCount(count, WAIT);
            } finally {
                rsyslogd.toHandle().destroy();
                assertExited(rsyslogd, dir.resolve("rsyslogd.out"));
            }
            agent.stopGracefully();

            List<JsonNode> values = json(agent.readAll());
            Delivered.assertExactlyOnce(messages(values), lines);
            assertThat(values).allSatisfy(value -> {
                assertThat(value.get("hostname").asText()).isEqualTo("rsyslog-it-host");
                assertThat(value.get("app_name").asText()).isEqualTo("app");
                assertThat(value.get("procid").isNull()).isTrue();
                assertThat(value.get("msgid").isNull()).isTrue();
                assertThat(value.get("facility").asText()).isEqualTo("local5");
                assertThat(value.get("severity").asText()).isEqualTo("info");
                assertThat(value.get("structured_data").toString()).isEqualTo("{}");
                assertRecentTimestamp(value);
                assertThat(value.get("peer").asText()).startsWith("127.0.0.1:");
                assertThat(value.has("parse_error")).isFalse();
            });
        }
    }

    @Test
    void rsyslogForwardingItsFileFormatOverTcpIsNewlineFramedThoughEachLineStartsWithADigit() throws Exception {
        int count = 500;
        List<String> lines = new ArrayList<>(count);
        for (int seq = 0; seq < count; seq++) {
            lines.add("rsyslog file format line " + seq);
        }
        Path input = Files.write(dir.resolve("input.log"), lines);
        try (SyslogAgent agent = SyslogAgent.start(dir, "rsyslog-file-format", List.of("\"tcp://127.0.0.1:0\""), "")) {
            // RSYSLOG_FileFormat has no <PRI>: each line starts with the year of its RFC 3339 timestamp.
            Process rsyslogd = startRsyslogd(input, agent.port("tcp"), "traditional", "RSYSLOG_FileFormat");
            try {
                agent.awaitCount(count, WAIT);
            } finally {
                rsyslogd.toHandle().destroy();
                assertExited(rsyslogd, dir.resolve("rsyslogd.out"));
            }
            assertThat(agent.metric("tributary_syslog_frames_bad_total")).isZero();
            agent.stopGracefully();

            List<JsonNode> values = json(agent.readAll());
            List<String> suffixes = messages(values).stream()
                    .map(message -> message.substring(message.indexOf(" rsyslog-it-host app: ") + 22)).toList();
            Delivered.assertExactlyOnce(suffixes, lines);
            assertThat(values).allSatisfy(value -> {
                assertThat(value.get("message").asText()).matches("20[0-9][0-9]-.* rsyslog-it-host app: .*");
                assertThat(value.get("parse_error").asText()).isEqualTo("does not start with a priority like <13>");
            });
        }
    }

    /**
     * rsyslog's omrelp forwards lines appended at a steady rate while the agent is killed with
     * SIGKILL and restarted, several times: every line reaches Kafka. The only duplicates are
     * messages whose transaction committed but whose acknowledgement the killed agent had not sent
     * (or rsyslog had not read): rsyslog sends them again after reconnecting, at most a window per
     * kill, and the restarted agent recognises and counts each one of them.
     */
    @Test
    void rsyslogOverRelpDeliversEveryLineThoughTheAgentIsKilledAndRestarted() throws Exception {
        int count = 30_000;
        int kills = 3;
        int window = 1024;
        List<String> lines = new ArrayList<>(count);
        for (int seq = 0; seq < count; seq++) {
            lines.add("rsyslog relp line " + seq);
        }
        Path input = Files.createFile(dir.resolve("input.log"));
        int port = freePort();
        try (SyslogAgent agent = SyslogAgent.start(dir, "rsyslog-relp", List.of("\"relp://127.0.0.1:" + port + "\""), "")) {
            Process rsyslogd = start(dir.resolve("rsyslogd.out"), "rsyslogd", "-n", "-f",
                    relpConfig(input, port, window).toString(), "-i", dir.resolve("rsyslogd.pid").toString());
            Thread writer = appendSteadily(input, lines, 2_500);
            double resent = 0;
            long started = System.nanoTime();
            try {
                for (int kill = 1; kill <= kills; kill++) {
                    agent.awaitCount(kill * count / (kills + 1), WAIT);
                    resent += agent.metric("tributary_syslog_relp_resent_total");
                    agent.crashAndRestart();
                }
                writer.join(WAIT.toMillis());
                await().atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                        .until(() -> new HashSet<>(messages(json(agent.readAll()))).size() == count);
                resent += agent.metric("tributary_syslog_relp_resent_total");
            } finally {
                writer.interrupt();
                rsyslogd.toHandle().destroy();
                assertExited(rsyslogd, dir.resolve("rsyslogd.out"));
            }
            agent.stopGracefully();

            List<String> messages = messages(json(agent.readAll()));
            Set<String> distinct = new HashSet<>(messages);
            assertThat(lines).allMatch(distinct::contains);
            assertThat(distinct).hasSize(count);
            int duplicates = messages.size() - count;
            System.out.printf("rsyslog omrelp: %d lines, %d SIGKILLs, %d duplicates in Kafka, %.0f recognised as resent, %d s%n",
                    count, kills, duplicates, resent, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            assertThat(duplicates).isLessThanOrEqualTo(kills * window);
            assertThat(resent).as("duplicates recognised as resent").isEqualTo(duplicates);
        }
    }

    /** Appends {@code lines} to {@code file} at about {@code perSecond}, in a thread of its own. */
    private static Thread appendSteadily(Path file, List<String> lines, int perSecond) {
        int chunk = perSecond / 25;
        Thread writer = new Thread(() -> {
            long next = System.nanoTime();
            for (int from = 0; from < lines.size(); from += chunk) {
                try {
                    Files.write(file, lines.subList(from, Math.min(from + chunk, lines.size())), StandardOpenOption.APPEND);
                    next += TimeUnit.MILLISECONDS.toNanos(40);
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "input-writer");
        writer.start();
        return writer;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * rsyslogd's config for forwarding {@code input} with omrelp: retried forever every second while
     * the agent is down (rsyslog's default gives up, and would drop), with a window of
     * {@code window} messages.
     */
    private Path relpConfig(Path input, int port, int window) throws IOException {
        Path workDir = Files.createDirectories(dir.resolve("rsyslog-work"));
        return Files.writeString(dir.resolve("rsyslog.conf"), """
                global(workDirectory="%s" localHostname="rsyslog-it-host")
                module(load="imfile" mode="inotify")
                module(load="omrelp")
                input(type="imfile" file="%s" tag="app:" facility="local5" severity="info" ruleset="forward")
                ruleset(name="forward") {
                  action(type="omrelp" target="127.0.0.1" port="%d" windowSize="%d"
                         template="RSYSLOG_SyslogProtocol23Format"
                         action.resumeRetryCount="-1" action.resumeInterval="1")
                }
                """.formatted(workDir, input, port, window));
    }

    /**
     * rsyslogd with a generated config that reads {@code input} with imfile and forwards it with
     * omfwd over TCP with this framing and template. Its pid file, state and output stay in the temp
     * dir; it loads no imuxsock or imklog, so it never touches /dev/log or the kernel log.
     *
     * @param framing omfwd's TCP_Framing: {@code octet-counted} or {@code traditional} (newline)
     */
    private Process startRsyslogd(Path input, int port, String framing, String template) throws IOException {
        Path workDir = Files.createDirectories(dir.resolve("rsyslog-work"));
        Path config = Files.writeString(dir.resolve("rsyslog.conf"), """
                global(workDirectory="%s" localHostname="rsyslog-it-host")
                module(load="imfile" mode="inotify")
                input(type="imfile" file="%s" tag="app:" facility="local5" severity="info" ruleset="forward")
                ruleset(name="forward") {
                  action(type="omfwd" target="127.0.0.1" port="%d" protocol="tcp" TCP_Framing="%s"
                         template="%s")
                }
                """.formatted(workDir, input, port, framing, template));
        return start(dir.resolve("rsyslogd.out"), "rsyslogd", "-n", "-f", config.toString(),
                "-i", dir.resolve("rsyslogd.pid").toString());
    }

    private static Process start(Path output, String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Waits for the sender to exit and fails, with what it printed, unless it exited with 0. */
    private static void assertExited(Process process, Path output) throws InterruptedException {
        boolean exited = process.waitFor(SENDER_EXIT.toSeconds(), TimeUnit.SECONDS);
        if (!exited) {
            process.toHandle().destroyForcibly();
        }
        String printed;
        try {
            printed = Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(exited).as("%s still runs after %s; it printed:%n%s", process.info().command().orElse("sender"),
                SENDER_EXIT, printed).isTrue();
        // rsyslogd exits with 0 on SIGTERM like logger at the end of its input: anything else is a failure.
        assertThat(process.exitValue()).as("exit code of %s; it printed:%n%s", process.info().command().orElse("sender"),
                printed).isZero();
    }

    private static void assertLoggerFields(JsonNode value) {
        assertThat(value.get("hostname").asText()).isEqualTo(hostName());
        assertThat(value.get("app_name").asText()).isEqualTo("billing");
        assertThat(value.get("procid").asText()).isEqualTo("4242");
        assertThat(value.get("msgid").asText()).isEqualTo("ORDER");
        assertThat(value.get("facility").asText()).isEqualTo("local3");
        assertThat(value.get("facility_code").asInt()).isEqualTo(19);
        assertThat(value.get("severity").asText()).isEqualTo("warning");
        assertThat(value.get("severity_code").asInt()).isEqualTo(4);
        assertRecentTimestamp(value);
        assertThat(value.get("peer").asText()).startsWith("127.0.0.1:");
        assertThat(value.has("parse_error")).isFalse();
    }

    private static void assertRecentTimestamp(JsonNode value) {
        OffsetDateTime timestamp = OffsetDateTime.parse(value.get("timestamp").asText());
        assertThat(Duration.between(timestamp, OffsetDateTime.now()).abs()).isLessThan(Duration.ofMinutes(10));
    }

    /** What gethostname() returns, as logger writes it. */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> json(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
        List<JsonNode> values = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            values.add(JSON.readTree(record.value()));
        }
        return values;
    }

    private static List<String> messages(List<JsonNode> values) {
        return values.stream().map(value -> value.get("message").asText()).toList();
    }
}
