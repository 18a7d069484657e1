package io.tributary.plugins.jdbc;

import io.tributary.api.SourceRecord;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.tributary.plugins.jdbc.Records.key;
import static io.tributary.plugins.jdbc.Records.valueText;
import static org.assertj.core.api.Assertions.assertThat;

class RowConversionTest {
    @TempDir
    Path dataDir;

    private SourceRecord readOneRow(Database db, String table) {
        String yaml = db.connectionYaml() + "table: " + table + "\nmode: bulk\n";
        try (TaskDriver driver = TaskDriver.start(Database.task(yaml), new RecordingSourceContext("types", dataDir, Map.of()))) {
            return driver.pollUntil(1, Duration.ofSeconds(10)).get(0);
        }
    }

    @Test
    void postgresqlRowsBecomeJsonWithExactDecimalsIsoTimestampsAndNestedJson() throws Exception {
        Database db = Database.POSTGRESQL;
        String table = "jdbc_types_" + ProcessHandle.current().pid();
        db.execute("CREATE TABLE " + table + " (id BIGSERIAL PRIMARY KEY, amount NUMERIC(20,6), price NUMERIC, ratio DOUBLE PRECISION,"
                + " flag BOOLEAN, created TIMESTAMPTZ, local_time TIMESTAMP, day DATE, uid UUID, doc JSONB, raw BYTEA,"
                + " tags TEXT[], counts INT[], stamps TIMESTAMPTZ[], local_stamps TIMESTAMP[], note TEXT)");
        try {
            db.execute("INSERT INTO " + table + " (amount, price, ratio, flag, created, local_time, day, uid, doc, raw, tags, counts, stamps,"
                    + " local_stamps, note)"
                    + " VALUES (12345678901234.500000, 0.1, 1.5, true, '2024-03-01 10:15:30.123456+02', '2024-03-01 10:15:30.000001',"
                    + " '2024-03-01', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2.50], \"b\": null}', '\\x00ff10',"
                    + " ARRAY['x', 'y'], ARRAY[1, 2], ARRAY['2024-03-01 10:15:30.123456+02', NULL]::timestamptz[],"
                    + " ARRAY['2024-03-01 10:15:30.000001']::timestamp[], NULL)");
            SourceRecord record = readOneRow(db, table);
            assertThat(valueText(record)).isEqualTo("{\"id\":1,\"amount\":12345678901234.500000,\"price\":0.1,\"ratio\":1.5,"
                    + "\"flag\":true,\"created\":\"2024-03-01T08:15:30.123456Z\",\"local_time\":\"2024-03-01T10:15:30.000001\","
                    + "\"day\":\"2024-03-01\",\"uid\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"doc\":{\"a\":[1,2.50],\"b\":null},"
                    + "\"raw\":\"AP8Q\",\"tags\":[\"x\",\"y\"],\"counts\":[1,2],\"stamps\":[\"2024-03-01T08:15:30.123456Z\",null],"
                    + "\"local_stamps\":[\"2024-03-01T10:15:30.000001\"],\"note\":null}");
            assertThat(key(record)).isEqualTo("1");
        } finally {
            db.dropTable(table);
        }
    }

    @Test
    void columnsSharingALabelWriteTheLastValueInTheFirstPlaceAsAJsonObjectKeepsIt() throws Exception {
        Database db = Database.POSTGRESQL;
        String table = db.createTable();
        try {
            db.execute("INSERT INTO " + table + " (name) VALUES ('real')");
            String yaml = db.connectionYaml() + "query: SELECT id, name, 'shadow' AS name, 'NaN'::float8 AS ratio FROM " + table
                    + "\nmode: bulk\nkey_column: name\n";
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), new RecordingSourceContext("types", dataDir, Map.of()))) {
                SourceRecord record = driver.pollUntil(1, Duration.ofSeconds(10)).get(0);
                assertThat(valueText(record)).isEqualTo("{\"id\":1,\"name\":\"shadow\",\"ratio\":\"NaN\"}");
                assertThat(key(record)).isEqualTo("shadow");
            }
        } finally {
            db.dropTable(table);
        }
    }

    @Test
    void textIsEscapedAsJacksonEscapesItAndLabelsAndIntegersAreWrittenExactly() throws Exception {
        Database db = Database.POSTGRESQL;
        String table = db.createTable();
        try {
            db.execute("INSERT INTO " + table + " (name) VALUES ('row')");
            String yaml = db.connectionYaml() + "query: \"SELECT E'a\\\"b\\\\\\\\c\\\\nd\\\\te\\\\x01f\\\\x7Fg' AS \\\"we\\\"\\\"ird\\\","
                    + " 'é😀' AS plain, (-9223372036854775808)::bigint AS low, -42::int AS neg, id FROM " + table + "\""
                    + "\nmode: bulk\n";
            try (TaskDriver driver = TaskDriver.start(Database.task(yaml), new RecordingSourceContext("types", dataDir, Map.of()))) {
                SourceRecord record = driver.pollUntil(1, Duration.ofSeconds(10)).get(0);
                // Jackson escapes a character beyond the Basic Multilingual Plane as its surrogate pair.
                assertThat(valueText(record)).isEqualTo("{\"we\\\"ird\":\"a\\\"b\\\\c\\nd\\te\\u0001f\u007Fg\",\"plain\":\"é\\uD83D\\uDE00\","
                        + "\"low\":-9223372036854775808,\"neg\":-42,\"id\":1}");
            }
        } finally {
            db.dropTable(table);
        }
    }

    @Test
    void mariadbRowsBecomeJsonWithExactDecimalsAndBase64Blobs() throws Exception {
        Database db = Database.MARIADB;
        String table = "jdbc_types_" + ProcessHandle.current().pid();
        db.execute("CREATE TABLE " + table + " (code VARCHAR(10) PRIMARY KEY, amount DECIMAL(20,6), flag BOOLEAN,"
                + " created DATETIME(6), doc JSON, raw BLOB, note VARCHAR(10))");
        try {
            db.execute("INSERT INTO " + table + " VALUES ('A-1', 12345678901234.500000, 1, '2024-03-01 10:15:30.123456',"
                    + " '{\"a\": [1, 2.50]}', X'00FF10', NULL)");
            SourceRecord record = readOneRow(db, table);
            assertThat(valueText(record)).isEqualTo("{\"code\":\"A-1\",\"amount\":12345678901234.500000,\"flag\":true,"
                    + "\"created\":\"2024-03-01T10:15:30.123456\",\"doc\":{\"a\":[1,2.50]},\"raw\":\"AP8Q\",\"note\":null}");
            assertThat(key(record)).isEqualTo("A-1");
        } finally {
            db.dropTable(table);
        }
    }

    @Test
    void h2RowsKeepNanosecondTimestampsAndCompositeKeysBecomeJsonObjects() throws Exception {
        Database db = Database.H2;
        String table = "jdbc_types_" + ProcessHandle.current().pid();
        db.execute("CREATE TABLE " + table + " (region VARCHAR(5), num INT, at TIMESTAMP(9) WITH TIME ZONE, uid UUID,"
                + " PRIMARY KEY (region, num))");
        try {
            db.execute("INSERT INTO " + table + " VALUES ('eu', 7, TIMESTAMP WITH TIME ZONE '2024-03-01 10:15:30.123456789+02:00',"
                    + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')");
            SourceRecord record = readOneRow(db, table);
            assertThat(valueText(record)).isEqualTo("{\"REGION\":\"eu\",\"NUM\":7,\"AT\":\"2024-03-01T10:15:30.123456789+02:00\","
                    + "\"UID\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"}");
            assertThat(key(record)).isEqualTo("{\"REGION\":\"eu\",\"NUM\":7}");
        } finally {
            db.dropTable(table);
        }
    }
}
