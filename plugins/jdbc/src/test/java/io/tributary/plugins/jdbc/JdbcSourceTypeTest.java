package io.tributary.plugins.jdbc;

import io.tributary.agent.config.ConfigError;
import io.tributary.agent.config.YamlSettings;
import io.tributary.api.SourceType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcSourceTypeTest {

    static List<String> errors(String yaml) {
        YamlSettings settings = YamlSettings.parse(yaml);
        new JdbcSourceType().create(settings);
        return settings.finish().stream().map(ConfigError::toString).toList();
    }

    @Test
    void splitsItsTablesIntoOnePartEachAndKeepsAQueryWhole() {
        Map<String, Object> settings = YamlSettings.parse("topic: t\nurl: jdbc:h2:mem:x\ntables: [orders, invoices]\nmode: bulk\n").asMap();
        assertThat(new JdbcSourceType().split(settings)).containsExactly(
                Map.entry("table:orders", Map.of("topic", "t", "url", "jdbc:h2:mem:x", "tables", List.of("orders"), "mode", "bulk")),
                Map.entry("table:invoices", Map.of("topic", "t", "url", "jdbc:h2:mem:x", "tables", List.of("invoices"), "mode", "bulk")));
        Map<String, Object> query = YamlSettings.parse("topic: t\nquery: SELECT 1\nmode: bulk\n").asMap();
        assertThat(new JdbcSourceType().split(query)).containsExactly(Map.entry(SourceType.WHOLE, query));
    }

    @Test
    void isNamedJdbc() {
        assertThat(new JdbcSourceType().name()).isEqualTo("jdbc");
    }

    @Test
    void reportsEveryMissingSettingAtOnce() {
        assertThat(errors("poll_interval: 1s\n")).containsExactly(
                "<settings>:1:1: missing required setting \"topic\"",
                "<settings>:1:1: missing required setting \"url\"",
                "<settings>:1:1: table: one of table, tables or query is required",
                "<settings>:1:1: mode: is required: one of bulk, incrementing, timestamp, timestamp+incrementing");
    }

    @Test
    void modesNameTheColumnsTheyNeed() {
        assertThat(errors("topic: t\nurl: jdbc:postgresql://db/shop\ntable: orders\nmode: timestamp+incrementing\n")).containsExactly(
                "<settings>:1:1: incrementing_column: is required in mode timestamp+incrementing",
                "<settings>:1:1: timestamp_column: is required in mode timestamp+incrementing");
    }

    @Test
    void databasesWithoutAViewOfOpenTransactionsNeedTimestampDelay() {
        assertThat(errors("topic: t\nurl: jdbc:h2:mem:x\ntable: orders\nmode: timestamp\ntimestamp_column: updated_at\n"))
                .containsExactly("<settings>:1:1: timestamp_delay: is required in mode timestamp with H2, which shows no open"
                        + " transactions: set it longer than the longest write transaction, or rows of transactions that"
                        + " commit late are skipped");
    }

    @Test
    void rejectsUrlsNoDriverAcceptsAndNamesThatAreNotIdentifiers() {
        assertThat(errors("topic: t\nurl: jdbc:nosuchdb://host/db\ntables: [orders, \"x; DROP TABLE y\"]\nmode: incrementing\n"
                + "incrementing_column: id\ntimestamp_delay: 1s\nbatch_max_rows: 0\n")).containsExactly(
                "<settings>:2:1: url: no JDBC driver accepts urls starting with jdbc:nosuchdb:; the plugin ships PostgreSQL"
                        + " (jdbc:postgresql:), MariaDB/MySQL (jdbc:mariadb:) and H2 (jdbc:h2:), others load from the jars named"
                        + " in driver_jars",
                "<settings>:3:1: tables: must be table names like orders or shop.orders, got \"x; DROP TABLE y\"",
                "<settings>:7:1: batch_max_rows: must be at least 1, got 0");
    }

    @Test
    void rejectsTwoSourcesOfRowsAndAQueryThatIsNoSelect() {
        assertThat(errors("topic: t\nurl: jdbc:postgresql://db/shop\ntable: orders\nquery: DELETE FROM orders\nmode: bulk\n"))
                .containsExactly(
                        "<settings>:4:1: query: must be a SELECT (the source adds its own WHERE and ORDER BY around it)",
                        "<settings>:4:1: query: set only one of table, tables and query");
    }

    @Test
    void theSampleIsValid() throws IOException {
        YamlSettings sample = YamlSettings.parse(Files.readString(Path.of("sample.yaml")), Map.of("DB_PASSWORD", "secret"));
        YamlSettings source = sample.getSection("sources").getSection("orders");
        new JdbcSourceType().create(source);
        // type and on_error belong to the agent, which reads them before the plugin sees the entry.
        assertThat(sample.finish()).extracting(ConfigError::path)
                .containsExactly("sources.orders.type", "sources.orders.on_error");
    }
}
