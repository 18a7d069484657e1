package io.tributary.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TopicGateTest {
    /** Time that moves only when the test says. */
    private static final class ManualTicker implements Ticker {
        private long nanos;

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public void sleep(Duration duration) {
            nanos += duration.toNanos();
        }

        void advance(Duration duration) {
            nanos += duration.toNanos();
        }
    }

    private final ManualTicker ticker = new ManualTicker();
    private final List<String> checks = new ArrayList<>();
    private TopicGate.TopicStatus answer = TopicGate.TopicStatus.unavailable("topic t does not exist");
    private final AtomicInteger finishedChecks = new AtomicInteger();
    private final TopicGate gate = new TopicGate(topic -> {
        checks.add(topic);
        return CompletableFuture.completedFuture(answer);
    }, ticker, finishedChecks::incrementAndGet);

    @Test
    void everyCheckThatFinishesSaysSoAtOnceWhetherItFinishesNowOrLater() {
        CompletableFuture<TopicGate.TopicStatus> later = new CompletableFuture<>();
        AtomicInteger finished = new AtomicInteger();
        TopicGate slowGate = new TopicGate(topic -> later, ticker, finished::incrementAndGet);

        assertThat(slowGate.status("t")).isNull();
        assertThat(finished).hasValue(0);
        later.complete(TopicGate.TopicStatus.WRITABLE);
        assertThat(finished).hasValue(1);
        assertThat(slowGate.poll()).isTrue();
        assertThat(slowGate.isWritable("t")).isTrue();

        assertThat(gate.status("t")).isNull();
        assertThat(finishedChecks).hasValue(1);
    }

    @Test
    void aTopicIsCheckedWhenFirstSeenAndAgainWithABackoffUntilItCanBeWritten() {
        assertThat(gate.status("t")).isNull();
        assertThat(gate.poll()).isTrue();
        assertThat(gate.poll()).isFalse();
        assertThat(gate.problem("t")).isEqualTo("topic t does not exist");
        assertThat(checks).containsExactly("t");

        ticker.advance(Duration.ofMillis(999));
        gate.poll();
        assertThat(checks).hasSize(1);
        ticker.advance(Duration.ofMillis(1));
        gate.poll();
        assertThat(checks).hasSize(2);
        gate.poll();
        ticker.advance(Duration.ofMillis(1999));
        gate.poll();
        assertThat(checks).as("the second wait is twice the first").hasSize(2);

        answer = TopicGate.TopicStatus.WRITABLE;
        ticker.advance(Duration.ofMillis(1));
        gate.poll();
        assertThat(gate.poll()).as("the check started by the last poll finished").isTrue();
        assertThat(gate.isWritable("t")).isTrue();
    }

    @Test
    void aWritableTopicKafkaRefusedIsCheckedAgainAtOnce() {
        answer = TopicGate.TopicStatus.WRITABLE;
        gate.status("t");
        gate.poll();
        assertThat(gate.isWritable("t")).isTrue();
        answer = TopicGate.TopicStatus.unavailable("topic t is not authorised");
        gate.suspect("t", "Not authorized to access topics: [t]");
        assertThat(gate.isWritable("t")).isFalse();
        gate.poll();
        assertThat(gate.problem("t")).isEqualTo("topic t is not authorised");
        assertThat(checks).hasSize(2);
    }
}
