package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class SourceRecordTest {
    private static final byte[] ABC = "abc".getBytes(StandardCharsets.UTF_8);

    @Test
    void theSizeCountsKeyValueAndEachHeadersNameAndValue() {
        SourceRecord record = SourceRecord.builder("t").key(ABC).value("hello".getBytes(StandardCharsets.UTF_8))
                .header("h1", ABC).header("h22", (byte[]) null).build();

        assertThat(record.sizeInBytes()).isEqualTo(3 + 5 + 2 + 3 + 3);
    }

    @Test
    void aHeaderMadeOnceIsSharedByTheRecordsGivenItAndCounted() {
        Header path = new RecordHeader("path", ABC);

        SourceRecord first = SourceRecord.builder("t").value(ABC).header(path).header("offset", ABC).build();
        SourceRecord second = SourceRecord.builder("t").value(ABC).header(path).build();

        assertThat(first.headers()).extracting(Header::key).containsExactly("path", "offset");
        assertThat(first.headers().get(0)).isSameAs(path);
        assertThat(second.headers()).containsExactly(path);
        assertThat(second.sizeInBytes()).isEqualTo(3 + 4 + 3);
    }

    @Test
    void aBuilderUsedAgainLeavesTheRecordsItBuiltAsTheyWere() {
        SourceRecord.Builder builder = SourceRecord.builder("t").value(ABC).header("first", ABC);
        SourceRecord first = builder.build();
        SourceRecord second = builder.header("second", ABC).build();

        assertThat(first.headers()).extracting(header -> header.key()).containsExactly("first");
        assertThat(first.sizeInBytes()).isEqualTo(3 + 5 + 3);
        assertThat(second.headers()).extracting(header -> header.key()).containsExactly("first", "second");
        assertThat(second.sizeInBytes()).isEqualTo(3 + 5 + 3 + 6 + 3);
    }
}
