package io.tributary.plugins.interceptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each built-in interceptor on the agent's producer, its effect read back from Kafka read_committed. */
class BuiltInInterceptorsIT {
    @TempDir
    Path dir;

    /** A {@code counter} source of the example plugin: values {@code message} with {n} the record's number. */
    static String counter(String name, String topic, int count, String message) {
        return """
                  %s:
                    type: counter
                    topic: %s
                    count: %d
                    message: '%s'
                    interval: 0s
                """.formatted(name, topic, count, message);
    }

    @Test
    void headersAddsStaticHeadersAndFillsInHostAgentIdAndSource() {
        AgentWithPlugins fixture = AgentWithPlugins.in(dir).write("headers-agent", "sources:\n"
                + counter("app-logs", "headers.out", 3, "line {n}") + """
                interceptors:
                  - type: headers
                    add:
                      env: prod
                      host: "{host}"
                      origin: "{agent_id}/{source}"
                """);
        try (AgentProcess agent = fixture.start()) {
            List<ConsumerRecord<byte[], byte[]>> records = fixture.awaitCount(agent, "headers.out", 3);

            assertThat(KafkaReader.values(records)).containsExactly("line 0", "line 1", "line 2");
            for (ConsumerRecord<byte[], byte[]> record : records) {
                assertThat(KafkaReader.header(record, "env")).isEqualTo("prod");
                assertThat(KafkaReader.header(record, "host")).isEqualTo(HeadersInterceptor.localHostName());
                assertThat(KafkaReader.header(record, "origin")).isEqualTo("headers-agent/app-logs");
            }
        }
    }

    @Test
    void redactMasksCardNumbersEmailsTokensAndCustomPatternsButNotOtherNumbers() {
        String message = "pay 4111 1111 1111 1111 from jane.doe@example.com, Authorization: Bearer eyJhbGciOi.abc-def;"
                + " api_key=s3cr3t order 1234 5678 9012 3456 ticket TCK-991 #{n}";
        AgentWithPlugins fixture = AgentWithPlugins.in(dir).write("redact-agent", "sources:\n"
                + counter("payments", "redact.out", 2, message) + """
                interceptors:
                  - type: redact
                    custom:
                      ticket: 'TCK-\\d+'
                """);
        try (AgentProcess agent = fixture.start()) {
            List<ConsumerRecord<byte[], byte[]>> records = fixture.awaitCount(agent, "redact.out", 2);

            String redacted = "pay **** from ****, Authorization: Bearer ****; api_key=**** order 1234 5678 9012 3456 ticket **** #";
            assertThat(KafkaReader.values(records)).containsExactly(redacted + "0", redacted + "1");
            await().atMost(AgentWithPlugins.WAIT).untilAsserted(() -> assertThat(fixture.metrics())
                    .containsPattern("tributary_redact_masked_total\\{[^}]*interceptor=\"redact\"[^}]*} 10.0"));
        }
    }

    @Test
    void routeSendsRecordsToTheTopicAGroupOfTheValueNamesAndLeavesTheOthersOnTheirOwn() {
        AgentWithPlugins fixture = AgentWithPlugins.in(dir).write("route-value-agent", "sources:\n"
                + counter("items", "route.in", 10, "item-{n}") + """
                interceptors:
                  - type: route
                    from_value: '^item-\\d*?([05])$'
                    prefix: route.value.
                """);
        try (AgentProcess agent = fixture.start()) {
            assertThat(KafkaReader.values(fixture.awaitCount(agent, "route.in", 8)))
                    .containsExactly("item-1", "item-2", "item-3", "item-4", "item-6", "item-7", "item-8", "item-9");
            assertThat(KafkaReader.values(fixture.awaitCount(agent, "route.value.0", 1))).containsExactly("item-0");
            assertThat(KafkaReader.values(fixture.awaitCount(agent, "route.value.5", 1))).containsExactly("item-5");
        }
    }

    @Test
    void routeSendsRecordsToTheTopicAHeaderNames() {
        AgentWithPlugins fixture = AgentWithPlugins.in(dir).write("route-header-agent", "sources:\n"
                + counter("alpha", "route.header.in", 2, "a{n}")
                + counter("beta", "route.header.in", 3, "b{n}") + """
                interceptors:
                  - type: headers
                    add:
                      destination: "{source}"
                  - type: route
                    from_header: destination
                    prefix: route.header.
                """);
        try (AgentProcess agent = fixture.start()) {
            assertThat(KafkaReader.values(fixture.awaitCount(agent, "route.header.alpha", 2))).containsExactly("a0", "a1");
            assertThat(KafkaReader.values(fixture.awaitCount(agent, "route.header.beta", 3))).containsExactly("b0", "b1", "b2");
            assertThat(KafkaReader.readAll(fixture.broker.bootstrapServers(), "route.header.in")).isEmpty();
        }
    }

    @Test
    void auditCountsAcknowledgedRecordsAndBytesPerTopic() {
        AgentWithPlugins fixture = AgentWithPlugins.in(dir).write("audit-agent", "sources:\n"
                + counter("audited", "audit.out", 5, "audit-{n}") + """
                interceptors:
                  - type: audit
                """);
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "audit.out", 5);

            // Keys "0".."4" (1 byte each) and values "audit-0".."audit-4" (7 bytes each).
            await().atMost(AgentWithPlugins.WAIT).untilAsserted(() -> assertThat(fixture.metrics())
                    .contains("tributary_audit_records_total{interceptor=\"audit\",outcome=\"acknowledged\",topic=\"audit.out\"} 5.0")
                    .contains("tributary_audit_bytes_total{interceptor=\"audit\",outcome=\"acknowledged\",topic=\"audit.out\"} 40.0")
                    .doesNotContain("outcome=\"failed\""));
        }
    }

    @Test
    void validateReportsEveryBadInterceptorSettingAtOnce() {
        AgentWithPlugins fixture = AgentWithPlugins.in(dir).write("validate-agent", "sources:\n"
                + counter("numbers", "validate.out", 1, "{n}") + """
                interceptors:
                  - type: headers
                    add: { who: "{user}" }
                  - type: redact
                    patterns: [card_number, phone]
                    custom: { broken: "([a-z" }
                  - type: route
                    prefix: route.
                  - type: route
                    from_value: 'no-group'
                  - type: audit
                    topics: [x]
                """);

        AgentProcess.Result result = fixture.validate();

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output())
                .contains("interceptors[0].add: header \"who\": unknown placeholder {user}; known: {host}, {agent_id}, {source}")
                .contains("interceptors[1].patterns: unknown pattern \"phone\"; built in: card_number, email, token (add your own under custom:)")
                .contains("interceptors[1].custom: pattern \"broken\" is not a valid regular expression: Unclosed character class near index 4")
                .contains("interceptors[2]: needs from_header (a header naming the topic) or from_value (a regular expression whose first group is the topic)")
                .contains("interceptors[3].from_value: must have a capturing group, the topic, e.g. '^(\\w+):'")
                .contains("interceptors[4].topics");
    }
}
