package com.example.tributary;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.InterceptorType;
import io.tributary.api.PluginMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/** The trail interceptor called directly, as Kafka's producer would call it. */
class TrailInterceptorTest {
    private final AtomicLong marked = new AtomicLong();

    @Test
    void twoTrailInterceptorsLeaveTheirMarksInOrder() {
        TrailInterceptor first = configured(new TrailInterceptor("a", "trail"));
        TrailInterceptor second = configured(new TrailInterceptor("b", "trail"));
        ProducerRecord<byte[], byte[]> original = new ProducerRecord<>("logs", null, null, "k".getBytes(StandardCharsets.UTF_8),
                "v".getBytes(StandardCharsets.UTF_8), List.of(new RecordHeader("other", "x".getBytes(StandardCharsets.UTF_8))));

        ProducerRecord<byte[], byte[]> sent = second.onSend(first.onSend(original));

        assertThat(headers(sent)).containsExactly("other=x", "trail=a,b");
        assertThat(sent.topic()).isEqualTo("logs");
        assertThat(new String(sent.value(), StandardCharsets.UTF_8)).isEqualTo("v");
        assertThat(headers(original)).containsExactly("other=x");
        assertThat(marked.get()).isEqualTo(2);
    }

    private TrailInterceptor configured(TrailInterceptor interceptor) {
        PluginMetrics metrics = new PluginMetrics() {
            @Override
            public Counter counter(String name, String description, Map<String, String> tags) {
                assertThat(name).isEqualTo("trail.marked");
                assertThat(tags).isEmpty();
                return marked::addAndGet;
            }

            @Override
            public void gauge(String name, String description, Supplier<Number> value) {
            }
        };
        interceptor.configure(Map.of(InterceptorType.METRICS_CONFIG, metrics));
        return interceptor;
    }

    private static List<String> headers(ProducerRecord<byte[], byte[]> record) {
        return Arrays.stream(record.headers().toArray())
                .map(TrailInterceptorTest::text).toList();
    }

    private static String text(Header header) {
        return header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8);
    }
}
