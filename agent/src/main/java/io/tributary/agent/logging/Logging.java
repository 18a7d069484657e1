package io.tributary.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.tributary.agent.config.LoggingSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@code logging:} section of the config to logback, on top of logback.xml. Applying
 * another section later (a reload) first undoes what the previous one changed.
 */
public final class Logging {
    /** The encoders logback.xml gave the appenders that {@code format: json} replaced. */
    private static final Map<OutputStreamAppender<ILoggingEvent>, Encoder<ILoggingEvent>> replacedEncoders = new HashMap<>();
    /** The levels logback.xml gave the loggers that {@code levels} changed (null: inherited). */
    private static final Map<String, Level> replacedLevels = new HashMap<>();

    private Logging() {
    }

    /**
     * Sets the level of every logger named in {@code logging.levels}, and with {@code format: json}
     * makes every console or file appender write {@link JsonLinesEncoder JSON lines}.
     */
    public static synchronized void apply(LoggingSettings settings) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        restore(context);
        settings.levels().forEach((name, level) -> {
            ch.qos.logback.classic.Logger logger = context.getLogger(name);
            replacedLevels.putIfAbsent(name, logger.getLevel());
            logger.setLevel(Level.toLevel(level));
        });
        if (LoggingSettings.JSON.equals(settings.format())) {
            for (OutputStreamAppender<ILoggingEvent> appender : outputAppenders(context)) {
                JsonLinesEncoder json = new JsonLinesEncoder();
                json.setContext(context);
                json.start();
                replacedEncoders.put(appender, appender.getEncoder());
                switchEncoder(appender, json);
            }
        }
    }

    private static void restore(LoggerContext context) {
        replacedLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
        replacedLevels.clear();
        replacedEncoders.forEach(Logging::switchEncoder);
        replacedEncoders.clear();
    }

    private static void switchEncoder(OutputStreamAppender<ILoggingEvent> appender, Encoder<ILoggingEvent> encoder) {
        // An appender takes a new encoder only while stopped; events in between are dropped, not garbled.
        appender.stop();
        appender.setEncoder(encoder);
        appender.start();
    }

    @SuppressWarnings("unchecked")
    private static List<OutputStreamAppender<ILoggingEvent>> outputAppenders(LoggerContext context) {
        List<OutputStreamAppender<ILoggingEvent>> appenders = new ArrayList<>();
        for (ch.qos.logback.classic.Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                if (it.next() instanceof OutputStreamAppender<?> output && !appenders.contains(output)) {
                    appenders.add((OutputStreamAppender<ILoggingEvent>) output);
                }
            }
        }
        return appenders;
    }
}
