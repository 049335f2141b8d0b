package dev.jmdm.sim;

import dev.jmdm.certsdev.Pem;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One simulated device driven from the command line with the identity inside an enrollment profile, as the
 * README's quickstart does: {@code enroll} (Authenticate, TokenUpdate, then a poll) and {@code poll} (Idle, answer
 * every queued command). Nothing is kept between runs but what the arguments say: the same {@code --udid} and
 * profile make the same device.
 */
@Command(name = "mdm-sim", mixinStandardHelpOptions = true,
        description = "Enroll a simulated device with the identity of an enrollment profile, or poll its commands.")
public final class ProfileDeviceCli implements Callable<Integer> {
    enum Action { enroll, poll }

    enum Platform { macos, ios }

    @Parameters(index = "0", description = "enroll or poll")
    Action action;

    @Option(names = "--profile", required = true, paramLabel = "FILE", description = "the .mobileconfig from GET /mdm/enroll")
    Path profile;

    @Option(names = "--udid", required = true, paramLabel = "UDID", description = "the device's UDID (keep it for later polls)")
    String udid;

    @Option(names = "--cacert", paramLabel = "PEM", description = "CA certificates to trust for the server (certs-dev's ca.pem); default: the JDK's")
    Path caCert;

    @Option(names = "--auth", paramLabel = "MODE", defaultValue = "signature",
            description = "signature (Mdm-Signature on every message, as the profile's SignMessage asks) or mtls (TLS client certificate only)")
    String auth;

    @Option(names = "--platform", defaultValue = "macos", description = "macos or ios")
    Platform platform;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ProfileDeviceCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        EnrollmentProfile p = EnrollmentProfile.read(Files.readAllBytes(profile));
        if (p.isScep()) {
            p = scepIdentity(p);
        }
        AuthMode mode = switch (auth.toLowerCase(Locale.ROOT)) {
            case "signature" -> AuthMode.MDM_SIGNATURE;
            case "mtls" -> AuthMode.MTLS;
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--auth: signature or mtls, not " + auth);
        };
        HttpClient client = httpClient(p, mode);
        DeviceFacts facts = DeviceFacts.generate(platform == Platform.ios ? DeviceFacts.Platform.IOS : DeviceFacts.Platform.MACOS, udid);
        SimulatedDevice device = new SimulatedDevice(p.transport(client), p.identity(), facts, p.topic(), null).authMode(mode);
        if (action == Action.enroll) {
            device.enroll();
            System.out.printf("enrolled %s (%s, serial %s) at %s as %s, topic %s, %s%n", udid, facts.productName(),
                    facts.serialNumber(), p.serverUrl(), p.identity().certificate().getSubjectX500Principal().getName(),
                    p.topic(), mode == AuthMode.MTLS ? "TLS client certificate" : "Mdm-Signature");
        }
        List<HandledCommand> handled = device.channel().poll();
        for (HandledCommand c : handled) {
            System.out.printf("command %s %s -> %s%n", c.commandUuid(), c.requestType(), c.status());
        }
        if (handled.isEmpty()) {
            System.out.println("no commands queued");
        }
        return 0;
    }

    /**
     * A SCEP profile's identity: on enroll, the device's new key and the certificate the profile's SCEP server
     * issued, kept beside the profile ({@code FILE.identity.pem}) for later polls; on poll, that file.
     */
    private EnrollmentProfile scepIdentity(EnrollmentProfile p) throws Exception {
        Path kept = profile.resolveSibling(profile.getFileName() + ".identity.pem");
        if (action == Action.poll) {
            if (!Files.exists(kept)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "the profile's identity comes from SCEP and "
                        + kept + " does not exist: run enroll first");
            }
            String pem = Files.readString(kept);
            List<X509Certificate> certs = Pem.certificates(pem);
            return new EnrollmentProfile(p.plist(), p.mdmPayload(), p.identityPayload(),
                    new dev.jmdm.certsdev.Issued(certs.get(0), Pem.privateKey(pem), certs.subList(1, certs.size())), p.signer());
        }
        List<X509Certificate> roots = caCert == null ? null : Pem.certificates(Files.readString(caCert));
        HttpClient http = "https".equals(java.net.URI.create(p.scepContent().get("URL").toJavaObject().toString()).getScheme())
                ? MutualTls.client(roots, null, HttpClient.Version.HTTP_1_1) : DeviceTransport.defaultClient();
        EnrollmentProfile installed = p.enrollScep(http, udid);
        Files.writeString(kept, Pem.encode(installed.identity().certificate(), installed.identity().chain().get(0),
                installed.identity().privateKey()));
        System.out.printf("SCEP: %s issued %s; identity kept in %s%n", p.scepContent().get("URL").toJavaObject(),
                installed.identity().certificate().getSubjectX500Principal().getName(), kept);
        return installed;
    }

    private HttpClient httpClient(EnrollmentProfile p, AuthMode mode) throws Exception {
        if (!"https".equals(p.serverUrl().getScheme())) {
            if (mode == AuthMode.MTLS) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--auth mtls needs an https ServerURL; the profile has " + p.serverUrl());
            }
            return DeviceTransport.defaultClient();
        }
        List<X509Certificate> roots = caCert == null ? null : Pem.certificates(Files.readString(caCert));
        // A device presents its identity when the server asks; in signature mode it signs as well.
        return MutualTls.client(roots, p.identity(), HttpClient.Version.HTTP_2);
    }
}
