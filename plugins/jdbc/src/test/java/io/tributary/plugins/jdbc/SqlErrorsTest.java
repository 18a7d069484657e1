package io.tributary.plugins.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

    @Test
    void keepsTheFirstLineWithoutTheStatementH2RepeatsOrTheConnectionMariaDbNumbers() {
        assertThat(SqlErrors.describe(new SQLException("ERROR: relation \"orders\" does not exist\n  Position: 15")))
                .isEqualTo("ERROR: relation \"orders\" does not exist");
        assertThat(SqlErrors.describe(new SQLException("Table \"ORDERS\" not found; SQL statement:\nSELECT * FROM orders [42102-240]")))
                .isEqualTo("Table \"ORDERS\" not found");
        assertThat(SqlErrors.describe(new SQLException("(conn=606) Table 'test.orders' doesn't exist")))
                .isEqualTo("Table 'test.orders' doesn't exist");
    }

    @Test
    void addsTheCauseWhenItSaysMore() {
        assertThat(SqlErrors.describe(new SQLException("Connection refused", new IOException("connect timed out\nat host db"))))
                .isEqualTo("Connection refused (connect timed out)");
        assertThat(SqlErrors.describe(new SQLException("Connection refused: connect timed out", new IOException("connect timed out"))))
                .isEqualTo("Connection refused: connect timed out");
    }
}
