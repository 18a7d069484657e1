package io.tributary.plugins.jdbc;

import io.tributary.plugins.jdbc.ReadWindow.Window;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class ReadWindowTest {
    /**
     * A PostgreSQL transaction shows its xact_start a moment after taking it: rows are read only
     * below the oldest start less 50 ms, while ids, taken later, need no margin.
     */
    @Test
    void postgresqlHoldsTimestampsBackByTheMarginAndIdsNot() throws Exception {
        ReadWindow readWindow = new ReadWindow(Dialect.POSTGRESQL, null, LoggerFactory.getLogger(ReadWindowTest.class));
        try (Connection connection = Database.POSTGRESQL.connect()) {
            Window window = readWindow.read(connection);
            assertThat(Duration.between(window.horizon(), window.idHorizon())).isEqualTo(Duration.ofMillis(50));
            assertThat(window.lag()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            assertThat(window.idHorizon()).isBeforeOrEqualTo(window.now());
        }
    }
}
