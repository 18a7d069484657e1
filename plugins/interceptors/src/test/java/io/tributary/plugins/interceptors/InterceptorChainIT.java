package io.tributary.plugins.interceptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's interceptor chain with plugin ({@code type:}) and plain-jar ({@code class:})
 * interceptors: order, configure() settings, and Kafka's contract for one that throws.
 */
class InterceptorChainIT {
    @TempDir
    Path dir;

    @Test
    void interceptorsRunInListOrderAndAClassFromAPlainJarGetsItsSettingsOverTheProducerConfig() {
        AgentWithPlugins fixture = AgentWithPlugins.in(dir);
        ThirdPartyJar.build(dir, fixture.pluginsDir.resolve("acme-interceptors.jar"));
        fixture.write("chain-agent", """
                  producer:
                    linger.ms: 5
                sources:
                """ + BuiltInInterceptorsIT.counter("numbers", "chain.out", 4, "n{n}") + """
                interceptors:
                  - type: trail
                    mark: a
                  - class: com.acme.kafka.EchoInterceptor
                    mark: b
                    greeting: hello
                    linger.ms: 9
                    echo: [greeting, linger.ms, client.id, tributary.agent.id]
                  - type: trail
                    mark: c
                """);
        try (AgentProcess agent = fixture.start()) {
            List<ConsumerRecord<byte[], byte[]>> records = fixture.awaitCount(agent, "chain.out", 4);

            assertThat(KafkaReader.values(records)).containsExactly("n0", "n1", "n2", "n3");
            for (ConsumerRecord<byte[], byte[]> record : records) {
                assertThat(KafkaReader.header(record, "trail")).isEqualTo("a,b,c");
                assertThat(KafkaReader.header(record, "echo.greeting")).isEqualTo("hello");
                assertThat(KafkaReader.header(record, "echo.linger.ms")).isEqualTo("9");
                assertThat(KafkaReader.header(record, "echo.client.id")).isEqualTo("tributary-chain-agent");
                assertThat(KafkaReader.header(record, "echo.tributary.agent.id")).isEqualTo("chain-agent");
                assertThat(KafkaReader.header(record, "echo.loader")).isEqualTo("tributary-plugin-libraries");
            }
        }
    }

    @Test
    void aThrowingInterceptorLosesNoRecordAndIsCountedAndLogged() {
        AgentWithPlugins fixture = AgentWithPlugins.in(dir);
        ThirdPartyJar.build(dir, fixture.pluginsDir.resolve("acme-interceptors.jar"));
        fixture.write("failing-agent", "sources:\n" + BuiltInInterceptorsIT.counter("numbers", "failing.out", 20, "n{n}") + """
                interceptors:
                  - class: com.acme.kafka.FailingInterceptor
                  - type: trail
                    mark: after
                """);
        try (AgentProcess agent = fixture.start()) {
            List<ConsumerRecord<byte[], byte[]>> records = fixture.awaitCount(agent, "failing.out", 20);

            assertThat(records).hasSize(20);
            assertThat(records).allSatisfy(record -> assertThat(KafkaReader.header(record, "trail")).isEqualTo("after"));
            // Every onSend of the chain threw in the first interceptor and went on to the second.
            await().atMost(AgentWithPlugins.WAIT).untilAsserted(() -> {
                String metrics = fixture.metrics();
                assertThat(counter(metrics, "tributary_interceptor_errors_total", "com.acme.kafka.FailingInterceptor"))
                        .isGreaterThanOrEqualTo(20)
                        .isEqualTo(counter(metrics, "tributary_trail_marked_total", "trail"));
            });
            assertThat(agent.lines()).filteredOn(line -> line.contains("Interceptor com.acme.kafka.FailingInterceptor threw in onSend"))
                    .hasSize(1);
            assertThat(agent.lines()).anyMatch(line -> line.contains("FailingInterceptor fails on purpose"));
        }
    }

    /**
     * The agent's own checkpoint records (to offsets_topic) pass no interceptor: one could add headers
     * to them, rewrite them (redact) or send them elsewhere (route), and audit would count them.
     */
    @Test
    void checkpointRecordsDoNotPassTheInterceptors() {
        AgentWithPlugins fixture = AgentWithPlugins.in(dir).write("checkpoint-agent", "sources:\n"
                + BuiltInInterceptorsIT.counter("numbers", "checkpoint.out", 3, "n{n}") + """
                interceptors:
                  - type: trail
                    mark: seen
                """);
        try (AgentProcess agent = fixture.start()) {
            assertThat(fixture.awaitCount(agent, "checkpoint.out", 3)).hasSize(3);
            List<ConsumerRecord<byte[], byte[]>> checkpoints = fixture.awaitCount(agent, "_tributary_offsets", 1);

            assertThat(checkpoints).allSatisfy(record -> assertThat(KafkaReader.header(record, "trail")).isNull());
        }
    }

    /** A record routed to the offsets topic would be read as a checkpoint at the next start and stop it. */
    @Test
    void anInterceptorCannotRouteRecordsToTheOffsetsTopic() {
        AgentWithPlugins fixture = AgentWithPlugins.in(dir).write("misroute-agent", "sources:\n"
                + BuiltInInterceptorsIT.counter("numbers", "misroute.in", 3, "n{n}") + """
                interceptors:
                  - type: headers
                    add:
                      destination: _tributary_offsets
                  - type: route
                    from_header: destination
                """);
        try (AgentProcess agent = fixture.start()) {
            assertThat(KafkaReader.values(fixture.awaitCount(agent, "misroute.in", 3))).containsExactly("n0", "n1", "n2");
            await().atMost(AgentWithPlugins.WAIT).untilAsserted(() ->
                    assertThat(counter(fixture.metrics(), "tributary_interceptor_errors_total", "route")).isEqualTo(3));
            assertThat(agent.lines()).anyMatch(line -> line.contains("Interceptor route threw in onSend"));
        }
        assertThat(KafkaReader.readAll(fixture.broker.bootstrapServers(), "_tributary_offsets"))
                .noneMatch(record -> KafkaReader.header(record, "destination") != null);
    }

    /** The value of a counter with tag interceptor=NAME on a Prometheus page; -1 when absent. */
    private static double counter(String metrics, String name, String interceptor) {
        Matcher matcher = Pattern.compile("^" + name + "\\{[^}]*interceptor=\"" + Pattern.quote(interceptor) + "\"[^}]*} (\\S+)$",
                Pattern.MULTILINE).matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }
}
