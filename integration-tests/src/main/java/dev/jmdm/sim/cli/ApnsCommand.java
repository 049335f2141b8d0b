package dev.jmdm.sim.cli;

import dev.jmdm.certsdev.DevStack;
import dev.jmdm.certsdev.DevStackException;
import dev.jmdm.certsdev.LoadedStack;
import dev.jmdm.sim.MockApns;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A stand-in APNs that accepts every push and prints it, so a development server never pushes to Apple with a
 * certificate Apple did not issue. Runs until stopped (Ctrl-C, SIGTERM).
 */
@Command(name = "apns", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A stand-in APNs on this machine: accepts every push from the certs-dev push certificate and prints it, "
                + "until stopped. Point the server at it with the MDM_APNS_URL and MDM_APNS_CA it prints."})
final class ApnsCommand implements Callable<Integer> {
    /** Apple's alternative APNs port: easy to remember, and no clash with the server's 9000 or 8443. */
    static final int DEFAULT_PORT = 2197;

    @Option(names = "--certs", paramLabel = "DIR", required = true, description = "the certs-dev folder (certs-dev init --out DIR)")
    Path certs;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT, description = "port to listen on (default ${DEFAULT-VALUE}; 0: any free one)")
    int port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadedStack stack;
        try {
            stack = DevStack.load(certs);
        } catch (DevStackException e) {
            throw new CliFailure("--certs " + certs + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        MockApns apns = new MockApns(stack.apnsServer(), stack.pushCa().certificate(), port);
        apns.behaviour(push -> {
            synchronized (out) {
                out.printf("push %s topic %s token %s payload %s%n", push.pushType(), push.topic(), push.tokenHex(), push.payload());
                out.flush();
            }
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            apns.close();
            stopped.countDown();
        }, "mdm-sim-apns-stop"));
        synchronized (out) {
            out.printf("stand-in APNs listening on %s (topic %s); start the server with:%n", apns.url(), stack.pushTopic());
            out.printf("  MDM_APNS_URL=%s MDM_APNS_CA=%s%n", apns.url(), stack.files().caCert().toAbsolutePath());
            out.flush();
        }
        stopped.await();
        return 0;
    }
}
