package dev.jmdm.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The log lines the server writes without a logback.xml: what operators' log readers parse. */
class ConsoleLogConfiguratorTest {

    @Test
    void oneLinePerEventOnStderrWithTheUtcTimeLevelAndLoggerName() {
        String err = captureStderr(Map.of(), context -> {
            context.getLogger("dev.jmdm.server.MdmServer").info("listening on {}", "127.0.0.1");
            context.getLogger("dev.jmdm.server.Main").warn("stopping");
        });
        assertThat(err.lines().toList()).hasSize(2);
        assertThat(err.lines().toList().get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  MdmServer - listening on 127\\.0\\.0\\.1");
        assertThat(err.lines().toList().get(1)).endsWith(" WARN  Main - stopping");
    }

    @Test
    void librariesSayOnlyWarningsAndNettysUnnotifiedListenersNothing() {
        String err = captureStderr(Map.of(), context -> {
            context.getLogger("io.undertow.request").info("undertow info");
            context.getLogger("com.zaxxer.hikari.pool.HikariPool").info("hikari info");
            context.getLogger("org.flywaydb.core.FlywayExecutor").info("flyway info");
            context.getLogger("io.netty.util.concurrent.DefaultPromise.rejectedExecution").error("cannot notify");
            context.getLogger("io.undertow.request").warn("undertow warning");
        });
        assertThat(err.lines().toList()).hasSize(1).allMatch(l -> l.endsWith("WARN  request - undertow warning"));
    }

    @Test
    void mdmLogLevelSetsTheLevelUntilTheSettingsApplyTheirs() {
        String err = captureStderr(Map.of("MDM_LOG_LEVEL", "warn"), context -> {
            context.getLogger("dev.jmdm.server.MdmServer").info("listening");
            context.getLogger("dev.jmdm.server.MdmServer").warn("no device CA");
        });
        assertThat(err.lines().toList()).hasSize(1).allMatch(l -> l.endsWith("WARN  MdmServer - no device CA"));
    }

    @Test
    void aConfigurationFileGivenOnTheCommandLineWins() {
        LoggerContext context = new LoggerContext();
        ConsoleLogConfigurator configurator = new ConsoleLogConfigurator();
        configurator.setContext(context);
        System.setProperty("logback.configurationFile", "/etc/jmdm/logback.xml");
        try {
            assertThat(configurator.configure(context, Map.of())).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        } finally {
            System.clearProperty("logback.configurationFile");
        }
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }

    private static String captureStderr(Map<String, String> env, Consumer<LoggerContext> logging) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            ConsoleLogConfigurator configurator = new ConsoleLogConfigurator();
            configurator.setContext(context);
            assertThat(configurator.configure(context, env)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            logging.accept(context);
        } finally {
            context.stop();
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
