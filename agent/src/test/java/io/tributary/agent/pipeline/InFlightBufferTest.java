package io.tributary.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightBufferTest {
    private static final long A_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final InFlightBuffer buffer = new InFlightBuffer(1024);

    @Test
    void aWakeUpEndsTheWaitOfATakeThatIsWaiting() throws Exception {
        CompletableFuture<Batch> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return buffer.take(A_MINUTE);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // The take may not wait yet when the first wake-up comes; either way it must end.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
            buffer.wakeUp();
            return taken.isDone();
        });
        assertThat(taken.get()).isNull();
    }

    @Test
    void aWakeUpWhileNoTakeWaitsEndsTheNextTakeOnlyOnce() throws InterruptedException {
        buffer.wakeUp();

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThat(buffer.take(A_MINUTE)).isNull());
        long waiting = System.nanoTime();
        assertThat(buffer.take(TimeUnit.MILLISECONDS.toNanos(50))).isNull();
        assertThat(System.nanoTime() - waiting).as("the second take waited its time out").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }
}
