package io.tributary.plugins.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.config.YamlSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyslogSettingsTest {

    @Test
    void minimalSourceGetsTheDocumentedDefaults() {
        YamlSettings settings = YamlSettings.parse("""
                topic: logs.syslog
                listen: udp://0.0.0.0:5514
                """);

        SyslogConfig config = SyslogConfig.read(settings);

        assertThat(settings.finish()).isEmpty();
        assertThat(config).isEqualTo(new SyslogConfig("logs.syslog",
                List.of(new ListenAddress(Transport.UDP, "0.0.0.0", 5514)), Format.AUTO, Framing.AUTO, 65536, 200,
                RecordKey.HOSTNAME, ZoneId.systemDefault(), 8L * 1024 * 1024, 10_000, 4 * 1024 * 1024, null, null, null,
                null, null));
    }

    @Test
    void everySettingIsRead() {
        YamlSettings settings = YamlSettings.parse("""
                topic: logs.syslog
                listen: ["udp://[::]:514", "tcp://127.0.0.1:0"]
                format: rfc5424
                framing: octet_counting
                max_message_bytes: 8KiB
                max_connections: 5
                key: app_name
                timezone: Europe/Berlin
                queue_max_bytes: 1MiB
                queue_max_messages: 100
                udp_receive_buffer_bytes: 16MiB
                idle_timeout: 10m
                """);

        SyslogConfig config = SyslogConfig.read(settings);

        assertThat(settings.finish()).isEmpty();
        assertThat(config).isEqualTo(new SyslogConfig("logs.syslog",
                List.of(new ListenAddress(Transport.UDP, "::", 514), new ListenAddress(Transport.TCP, "127.0.0.1", 0)),
                Format.RFC5424, Framing.OCTET_COUNTING, 8192, 5, RecordKey.APP_NAME, ZoneId.of("Europe/Berlin"),
                1024 * 1024, 100, 16 * 1024 * 1024, Duration.ofMinutes(10), null, null, null, null));
        assertThat(config.listen().get(0)).hasToString("udp://[::]:514");
    }

    @Test
    void badValuesAreAllReportedWithTheirKeys() {
        assertThat(errors("""
                topic: t
                listen: ["udp://0.0.0.0:514", "http://x:1", "tcp://nohost", "udp://0.0.0.0:514", "tcp://h:70000"]
                format: json
                framing: lines
                max_message_bytes: 100
                max_connections: 0
                key: message
                timezone: Mars/Olympus
                queue_max_messages: 0
                udp_receive_buffer_bytes: 1KiB
                idle_timeout: 500ms
                lsiten: x
                """)).containsExactly(
                "<settings>:2:1: listen: \"http://x:1\" is not an address like udp://0.0.0.0:514: the scheme must be udp, tcp, tls, relp, relp+tls, not http",
                "<settings>:2:1: listen: \"tcp://nohost\" is not an address like udp://0.0.0.0:514: it needs a host and a port",
                "<settings>:2:1: listen: lists udp://0.0.0.0:514 twice",
                "<settings>:2:1: listen: \"tcp://h:70000\" has a port above 65535",
                "<settings>:3:1: format: must be one of auto, rfc5424, rfc3164, raw, got \"json\"",
                "<settings>:4:1: framing: must be one of auto, octet_counting, newline, got \"lines\"",
                "<settings>:5:1: max_message_bytes: must be from 480 bytes to 16MiB, got 100 bytes",
                "<settings>:6:1: max_connections: must be at least 1, got 0",
                "<settings>:7:1: key: must be one of hostname, app_name, procid, msgid, facility, severity, peer, none, got \"message\"",
                "<settings>:8:1: timezone: must be local or a time zone like UTC, +02:00 or Europe/Berlin, got \"Mars/Olympus\"",
                "<settings>:9:1: queue_max_messages: must be at least 1, got 0",
                "<settings>:10:1: udp_receive_buffer_bytes: must be from 4KiB to 1GiB, got 1024 bytes",
                "<settings>:11:1: idle_timeout: must be off or at least 1s, got 500ms",
                "<settings>:12:1: lsiten: unknown setting, did you mean \"listen\"?");
    }

    @Test
    void topicAndListenAreRequired() {
        assertThat(errors("format: raw\n")).containsExactly(
                "<settings>:1:1: missing required setting \"topic\"",
                "<settings>:1:1: listen: must list at least one address like udp://0.0.0.0:514, tcp://0.0.0.0:514, tls://0.0.0.0:6514 or relp://0.0.0.0:2514");
    }

    @Test
    void queueMustHoldTheLargestMessage() {
        assertThat(errors("""
                topic: t
                listen: tcp://0.0.0.0:514
                max_message_bytes: 1MiB
                queue_max_bytes: 512KiB
                """)).containsExactly(
                "<settings>:4:1: queue_max_bytes: must be at least max_message_bytes (1048576 bytes), got 524288 bytes");
    }

    @Test
    void spoolTakesADirAndABoundAndIsRefusedWhereOnlyRelpListens() {
        YamlSettings settings = YamlSettings.parse("topic: t\nlisten: udp://0.0.0.0:514\nspool: { dir: /var/spool/t, max_bytes: 2GiB }\n");
        assertThat(SyslogConfig.read(settings).spool())
                .isEqualTo(new SyslogConfig.SpoolSettings(Path.of("/var/spool/t"), 2L * 1024 * 1024 * 1024));
        assertThat(settings.finish()).isEmpty();
        assertThat(SyslogConfig.read(YamlSettings.parse("topic: t\nlisten: udp://0.0.0.0:514\nspool: {}\n")).spool())
                .isEqualTo(new SyslogConfig.SpoolSettings(null, SyslogConfig.DEFAULT_SPOOL_MAX_BYTES));

        assertThat(errors("""
                topic: t
                listen: udp://0.0.0.0:514
                spool:
                  max_bytes: 512KiB
                """)).containsExactly(
                "<settings>:4:3: spool.max_bytes: must be at least 1MiB and max_message_bytes (65536 bytes), got 524288 bytes");
        assertThat(errors("""
                topic: t
                listen: relp://0.0.0.0:2514
                spool: {}
                """)).containsExactly("<settings>:3:1: spool: is set but listen has no udp://, tcp:// or tls:// address"
                + " (RELP senders keep what was not acknowledged themselves)");
    }

    @Test
    void tlsListenerNeedsReadableCertAndKey(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");

        assertThat(errors("""
                topic: t
                listen: tls://0.0.0.0:6514
                """)).containsExactly(
                "<settings>:1:1: tls.cert: is required for tls:// and relp+tls:// addresses in listen",
                "<settings>:1:1: tls.key: is required for tls:// and relp+tls:// addresses in listen");
        assertThat(errors("""
                topic: t
                listen: tls://0.0.0.0:6514
                tls:
                  cert: %s
                  key: %s
                  client_ca: %s
                  ca: x
                """.formatted(cert, dir.resolve("missing-key.pem"), dir.resolve("missing-ca.pem")))).containsExactly(
                "<settings>:5:3: tls.key: cannot read " + dir.resolve("missing-key.pem"),
                "<settings>:6:3: tls.client_ca: cannot read " + dir.resolve("missing-ca.pem"),
                "<settings>:7:3: tls.ca: unknown setting");
    }

    @Test
    void idleTimeoutIsOffOrADuration() {
        assertThat(errors("""
                topic: t
                listen: tcp://0.0.0.0:514
                idle_timeout: never
                """)).containsExactly("<settings>:3:1: idle_timeout: must be off or a duration like 10m, got \"never\"");
        YamlSettings off = YamlSettings.parse("topic: t\nlisten: tcp://0.0.0.0:514\nidle_timeout: off\n");
        assertThat(SyslogConfig.read(off).idleTimeout()).isNull();
        assertThat(off.finish()).isEmpty();
    }

    @Test
    void udpReceiveBufferWithoutUdpListenerIsAMistake() {
        assertThat(errors("""
                topic: t
                listen: tcp://0.0.0.0:514
                udp_receive_buffer_bytes: 8MiB
                """)).containsExactly("<settings>:3:1: udp_receive_buffer_bytes: is set but listen has no udp:// address");
    }

    @Test
    void tlsWithoutTlsListenerIsAMistake(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");

        assertThat(errors("""
                topic: t
                listen: tcp://0.0.0.0:514
                tls:
                  cert: %s
                  key: %s
                """.formatted(cert, cert))).containsExactly("<settings>:3:1: tls: is set but listen has no tls:// or relp+tls:// address");
    }

    @Test
    void sourceTypeReportsThroughSettingsInsteadOfThrowing() {
        YamlSettings settings = YamlSettings.parse("listen: 5514\n");

        assertThat(new SyslogSourceType().create(settings)).isInstanceOf(SyslogSource.class);
        assertThat(new SyslogSourceType().name()).isEqualTo("syslog");
        assertThat(settings.finish()).extracting(Object::toString).containsExactly(
                "<settings>:1:1: missing required setting \"topic\"",
                "<settings>:1:1: listen: \"5514\" is not an address like udp://0.0.0.0:514: the scheme is missing");
    }

    private static List<String> errors(String yaml) {
        YamlSettings settings = YamlSettings.parse(yaml);
        SyslogConfig.read(settings);
        return settings.finish().stream().map(Object::toString).toList();
    }
}
