package dev.jmdm.e2e;

import java.io.File;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The class path for a server started as its own process from a test: this JVM's, without what only the tests use.
 * The browser tests' Selenium brings OpenTelemetry, and the MySQL driver, finding OpenTelemetry on its class path,
 * makes it print lines of its own that the server's jar (which has no OpenTelemetry) never prints.
 */
final class ServerClasspath {
    private ServerClasspath() {
    }

    static String of() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("opentelemetry") && !entry.contains("seleniumhq"))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
