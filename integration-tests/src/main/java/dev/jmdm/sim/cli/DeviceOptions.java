package dev.jmdm.sim.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Who the simulated device is and where its server is: the options {@code enroll}, {@code poll} and {@code run} share. */
final class DeviceOptions {
    enum Auth { signature, mtls }

    enum Platform { macos, ios }

    @Option(names = "--state", paramLabel = "FILE",
            description = "keep the device here between runs (identity, UDID, server, push token, installed profiles); "
                    + "later runs need only --state")
    Path state;

    @Option(names = "--identity", paramLabel = "PEM",
            description = "the device identity certificate, e.g. certs-dev's dev-certs/devices/UDID.pem (key: the .key beside it)")
    Path identity;

    @Option(names = "--key", paramLabel = "PEM", description = "the identity's private key, when not beside --identity")
    Path key;

    @Option(names = "--profile", paramLabel = "FILE",
            description = "an enrollment profile from GET /mdm/enroll: identity, server URL and topic come from it")
    Path profile;

    @Option(names = "--server", paramLabel = "URL",
            description = "the server, with --identity (default http://localhost:9000; /mdm is added)")
    String server;

    @Option(names = "--udid", paramLabel = "UDID",
            description = "the device's UDID (default: the identity's CN, as certs-dev issues them; a new one with --profile)")
    String udid;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "the push topic the device reports, with --identity (default: the topic of certs-dev's push.pem "
                    + "beside the identity's devices/ folder, else " + DeviceSession.DEFAULT_TOPIC + ")")
    String topic;

    @Option(names = "--cacert", paramLabel = "PEM", description = "CA certificates the server's TLS certificate chains to (certs-dev's ca.pem); default: the JDK's")
    Path cacert;

    @Option(names = "--auth", paramLabel = "MODE",
            description = "signature (Mdm-Signature on every message, the default) or mtls (TLS client certificate only)")
    Auth auth;

    @Option(names = "--platform", paramLabel = "OS", description = "macos (default) or ios")
    Platform platform;
}
