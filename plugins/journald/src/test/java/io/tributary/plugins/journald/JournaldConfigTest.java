package io.tributary.plugins.journald;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.config.YamlSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournaldConfigTest {

    @TempDir
    Path dir;

    @Test
    void minimalSourceGetsTheDocumentedDefaults() {
        YamlSettings settings = YamlSettings.parse("topic: logs.journal\n");

        JournaldConfig config = JournaldConfig.read(settings);

        assertThat(settings.finish()).isEmpty();
        assertThat(config).isEqualTo(new JournaldConfig("logs.journal", List.of(), Set.of(), Map.of(), 7, null, false,
                JournaldConfig.ReadFrom.BEGINNING, JournaldConfig.RecordKey.UNIT, JournaldConfig.Format.JSON));
        assertThat(config.stream()).isEqualTo("system");
    }

    @Test
    void everySettingIsRead() {
        YamlSettings settings = YamlSettings.parse("""
                topic: logs.journal
                units: [nginx, "sshd.service", "app-*.service"]
                exclude_units: [cron, systemd-journald.service]
                matches:
                  _TRANSPORT: [stdout, journal]
                  SYSLOG_IDENTIFIER: sshd
                priority: warning
                directory: %s
                current_boot_only: true
                read_from: end
                key: hostname
                format: message
                """.formatted(dir));

        JournaldConfig config = JournaldConfig.read(settings);

        assertThat(settings.finish()).isEmpty();
        assertThat(config).isEqualTo(new JournaldConfig("logs.journal", List.of("nginx", "sshd.service", "app-*.service"),
                Set.of("cron.service", "systemd-journald.service"),
                Map.of("_TRANSPORT", List.of("stdout", "journal"), "SYSLOG_IDENTIFIER", List.of("sshd")), 4, dir, true,
                JournaldConfig.ReadFrom.END, JournaldConfig.RecordKey.HOSTNAME, JournaldConfig.Format.MESSAGE));
        assertThat(config.stream()).isEqualTo(dir.toString());
    }

    @Test
    void badValuesAreAllReportedWithTheirKeys() {
        assertThat(errors("""
                units: [nginx, "my app", nginx]
                exclude_units: ["ssh*", nginx.service]
                matches:
                  _transport: stdout
                  PRIORITY: []
                priority: loud
                directory: %s
                current_boot_only: sometimes
                read_from: middle
                key: pid
                format: xml
                unitz: [x]
                """.formatted(dir.resolve("missing")))).containsExactly(
                "<settings>:1:1: missing required setting \"topic\"",
                "<settings>:1:1: units: \"my app\" is not a unit name like nginx.service",
                "<settings>:1:1: units: lists nginx twice",
                "<settings>:2:1: exclude_units: \"ssh*\" is a pattern; exclude_units takes unit names like nginx.service",
                "<settings>:2:1: exclude_units: lists nginx.service, which units reads",
                "<settings>:4:3: matches._transport: is not a journal field name: upper case letters, digits and _, like _SYSTEMD_UNIT",
                "<settings>:5:3: matches.PRIORITY: must give a value or a list of values",
                "<settings>:6:1: priority: must be one of emerg, alert, crit, err, warning, notice, info, debug, got \"loud\"",
                "<settings>:7:1: directory: is not a folder: " + dir.resolve("missing"),
                "<settings>:8:1: current_boot_only: must be true or false, got \"sometimes\"",
                "<settings>:9:1: read_from: must be one of beginning, end, got \"middle\"",
                "<settings>:10:1: key: must be one of unit, hostname, none, got \"pid\"",
                "<settings>:11:1: format: must be one of json, message, got \"xml\"",
                "<settings>:12:1: unitz: unknown setting, did you mean \"units\"?");
    }

    @Test
    void aUnitWithoutTypeIsAService() {
        assertThat(JournaldConfig.unitName("nginx")).isEqualTo("nginx.service");
        assertThat(JournaldConfig.unitName("backup.timer")).isEqualTo("backup.timer");
        assertThat(JournaldConfig.unitName("user@1000.service")).isEqualTo("user@1000.service");
    }

    private static List<String> errors(String yaml) {
        YamlSettings settings = YamlSettings.parse(yaml);
        JournaldConfig.read(settings);
        return settings.finish().stream().map(Object::toString).toList();
    }
}
