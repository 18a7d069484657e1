package io.tributary.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.util.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepeatedErrorFilterTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private Logger logger;

    @BeforeEach
    void setUp() {
        RepeatedErrorFilter filter = new RepeatedErrorFilter(now::get);
        filter.setInterval(Duration.buildBySeconds(60));
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
        events.setContext(context);
        events.start();
        logger = context.getLogger("io.tributary.test");
        logger.addAppender(events);
    }

    @Test
    void repeatsOfAWarningWithinTheIntervalAreDroppedWhateverTheirArguments() {
        for (int attempt = 1; attempt <= 5; attempt++) {
            logger.warn("Cannot reach Kafka ({}); retrying", "attempt " + attempt);
        }

        assertThat(messages()).containsExactly("Cannot reach Kafka (attempt 1); retrying");
    }

    @Test
    void theFirstRepeatAfterTheIntervalIsLoggedAfterACountOfTheDroppedOnes() {
        for (int attempt = 1; attempt <= 5; attempt++) {
            logger.error("Commit failed: {}", "attempt " + attempt);
        }
        advanceSeconds(61);
        logger.error("Commit failed: {}", "attempt 6");

        assertThat(messages()).containsExactly(
                "Commit failed: attempt 1",
                "Dropped 4 repeats of the next message in the last 61 s",
                "Commit failed: attempt 6");
        assertThat(events.list.get(1).getLevel()).hasToString("ERROR");
    }

    @Test
    void aRepeatAfterAQuietIntervalIsLoggedWithoutACount() {
        logger.warn("Disk is slow");
        advanceSeconds(60);
        logger.warn("Disk is slow");

        assertThat(messages()).containsExactly("Disk is slow", "Disk is slow");
    }

    @Test
    void differentMessagesLevelsAndLoggersAreCountedApart() {
        Logger other = context.getLogger("io.tributary.other");
        other.addAppender(events);

        logger.warn("Disk is slow");
        logger.warn("Network is slow");
        logger.error("Disk is slow");
        other.warn("Disk is slow");
        logger.warn("Disk is slow");

        assertThat(messages()).containsExactly("Disk is slow", "Network is slow", "Disk is slow", "Disk is slow");
    }

    @Test
    void infoAndDebugAreNeverDropped() {
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        for (int i = 0; i < 3; i++) {
            logger.info("Committed a transaction");
            logger.debug("Polled");
        }

        assertThat(messages()).hasSize(6);
    }

    private void advanceSeconds(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    private List<String> messages() {
        return events.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
