package dev.jmdm.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * The server's logging, set up in code rather than from a {@code logback.xml}: reading the XML (an XML parser and
 * logback's configuration model, ≈ 600 classes) took a tenth of the start-up CPU (docs/benchmarks.md, "Start-up and
 * memory"). One line per event on stderr, time in UTC; the root level from {@code MDM_LOG_LEVEL} until the settings
 * apply theirs. Logback finds this class through {@code META-INF/services}.
 *
 * <p>A configuration file given with {@code -Dlogback.configurationFile}, or a {@code logback.xml} or
 * {@code logback-test.xml} put on the class path, still wins: this configurator then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class ConsoleLogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0} - %msg%n";

    /** Libraries whose INFO lines say nothing an operator needs; Netty's line is explained below. */
    static final Map<String, Level> LIBRARY_LEVELS = Map.of(
            "org.flywaydb", Level.WARN,
            "com.zaxxer.hikari", Level.WARN,
            "org.xnio", Level.WARN,
            "io.undertow", Level.WARN,
            // Stopping cuts APNs connections that never answered (PushSender.close); Netty then reports, at ERROR,
            // each listener of theirs it can no longer notify. Nothing waits on those listeners any more.
            "io.netty.util.concurrent.DefaultPromise.rejectedExecution", Level.OFF);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return configure(context, System.getenv());
    }

    ExecutionStatus configure(LoggerContext context, Map<String, String> env) {
        ClassLoader loader = ConsoleLogConfigurator.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(env.get("MDM_LOG_LEVEL"), Level.INFO));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
