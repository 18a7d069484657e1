package io.tributary.plugins.interceptors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/** The built-in interceptors called directly, as Kafka's producer calls them. */
class InterceptorsTest {

    private static ProducerRecord<byte[], byte[]> record(String topic, byte[] value) {
        return new ProducerRecord<>(topic, null, null, "k".getBytes(StandardCharsets.UTF_8), value, List.of());
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return record(topic, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String value(ProducerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    @Test
    void redactMasksOnlyTheSecretGroupAndLeavesNumbersFailingLuhn() {
        RedactInterceptor redact = new RedactInterceptor(List.of(RedactPattern.CARD_NUMBER, RedactPattern.TOKEN,
                RedactPattern.custom("session", Pattern.compile("session=(?<secret>[0-9a-f]+)"))), "#");
        RecordingMetrics metrics = RecordingMetrics.configure(redact);

        ProducerRecord<byte[], byte[]> sent = redact.onSend(record("t",
                "{\"password\": \"hunter2\"} session=abc123 card 5500-0000-0000-0004 id 1234567890123456"));

        assertThat(value(sent)).isEqualTo("{\"password\": \"#\"} session=# card # id 1234567890123456");
        assertThat(metrics.get("redact.masked")).isEqualTo(3);
    }

    @Test
    void redactLeavesAValueThatIsNotUtf8UnchangedAndCountsIt() {
        RedactInterceptor redact = new RedactInterceptor(RedactPattern.BUILT_IN, "****");
        RecordingMetrics metrics = RecordingMetrics.configure(redact);
        byte[] binary = {(byte) 0xC3, (byte) 0x28, '4', '1', '1', '1'};
        ProducerRecord<byte[], byte[]> original = record("t", binary);

        assertThat(redact.onSend(original)).isSameAs(original);
        assertThat(metrics.get("redact.not_text")).isEqualTo(1);
    }

    @Test
    void routeKeepsTheTopicWhenTheNameFoundIsNoLegalTopic() {
        RouteInterceptor route = new RouteInterceptor("tenant", null, "tenants.");
        RecordingMetrics metrics = RecordingMetrics.configure(route);
        ProducerRecord<byte[], byte[]> illegal = record("in", "v");
        illegal.headers().add(new RecordHeader("tenant", "a/b".getBytes(StandardCharsets.UTF_8)));
        ProducerRecord<byte[], byte[]> legal = new ProducerRecord<>("in", 3, null, null, "v".getBytes(StandardCharsets.UTF_8),
                List.of(new RecordHeader("tenant", "acme".getBytes(StandardCharsets.UTF_8))));

        assertThat(route.onSend(illegal).topic()).isEqualTo("in");
        ProducerRecord<byte[], byte[]> routed = route.onSend(legal);
        assertThat(routed.topic()).isEqualTo("tenants.acme");
        assertThat(routed.partition()).isNull();
        assertThat(route.onSend(record("in", "no header")).topic()).isEqualTo("in");
        assertThat(List.of(metrics.get("route.routed"), metrics.get("route.unmatched"), metrics.get("route.illegal_topic")))
                .containsExactly(1L, 1L, 1L);
    }

    @Test
    void auditCountsAcknowledgedAndFailedRecordsPerTopic() {
        AuditInterceptor audit = new AuditInterceptor();
        RecordingMetrics metrics = RecordingMetrics.configure(audit);
        TopicPartition partition = new TopicPartition("logs.app-1", 0);

        audit.onAcknowledgement(new RecordMetadata(partition, 10, 0, 0L, 3, 7), null);
        audit.onAcknowledgement(new RecordMetadata(partition, 11, 0, 0L, -1, 5), null);
        audit.onAcknowledgement(new RecordMetadata(partition, -1, -1, -1L, -1, -1), new RecordTooLargeException("too large"));

        assertThat(metrics.get("audit.records{outcome=acknowledged, topic=logs.app-1}")).isEqualTo(2);
        assertThat(metrics.get("audit.bytes{outcome=acknowledged, topic=logs.app-1}")).isEqualTo(15);
        assertThat(metrics.get("audit.records{outcome=failed, topic=logs.app-1}")).isEqualTo(1);
        assertThat(metrics.get("audit.bytes{outcome=failed, topic=logs.app-1}")).isZero();
    }

    @Test
    void headersFillInTheAgentIdAndReplaceAHeaderOfTheSameName() {
        HeadersInterceptor headers = new HeadersInterceptor(Map.of("origin", new HeaderTemplate("{agent_id}:{source}")), true);
        RecordingMetrics.configure(headers);
        ProducerRecord<byte[], byte[]> original = new ProducerRecord<>("t", null, null, null, null,
                List.of(new RecordHeader("origin", "old".getBytes(StandardCharsets.UTF_8))));

        ProducerRecord<byte[], byte[]> sent = headers.onSend(original);

        assertThat(sent.headers().toArray()).hasSize(1);
        assertThat(new String(sent.headers().lastHeader("origin").value(), StandardCharsets.UTF_8)).isEqualTo("unit:");
        assertThat(new String(original.headers().lastHeader("origin").value(), StandardCharsets.UTF_8)).isEqualTo("old");
    }
}
