package dev.jmdm.server.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.jmdm.server.config.SettingsException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * {@code MDM_LOG_FORMAT}: {@code text} ({@link ConsoleLogConfigurator}'s pattern, the default) or {@code json}, one JSON object per line
 * from logback's own {@link JsonEncoder} (timestamp in epoch milliseconds, level, threadName, loggerName, mdc,
 * formattedMessage, throwable), for log shippers that read JSON lines.
 *
 * <p>Read from the environment only, before the flags: the format has to be in place before the first line is logged,
 * and a flag would be parsed after the settings that may already log.
 */
public enum LogFormat {
    TEXT, JSON;

    public static final String VARIABLE = "MDM_LOG_FORMAT";

    public static LogFormat fromEnvironment(Map<String, String> env) {
        return parse(env.get(VARIABLE));
    }

    static LogFormat parse(String value) {
        if (value == null || value.isBlank()) {
            return TEXT;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new SettingsException(VARIABLE + ": '" + value + "' is not a log format; use text (the default) or json");
        };
    }

    /** Gives the root logger's console appenders this format (text leaves the configured one as it is). */
    public void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                // Not stop() and start(): stopping a console appender closes System.err for good.
                appender.setEncoder(jsonEncoder(context));
            }
        }
    }

    private static JsonEncoder jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // The formatted message carries the arguments; the template, the arguments again, the logger context and the
        // per-line sequence numbers only repeat what is there or never change.
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
