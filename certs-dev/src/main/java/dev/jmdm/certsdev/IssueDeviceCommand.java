package dev.jmdm.certsdev;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "issue-device", usageHelpAutoWidth = true,
        header = "Issue a device identity (certificate, key, PKCS#12) from the device CA.",
        description = {
            "Issues a device identity (subject CN=UDID, client-auth usage) from DIR's device CA: devices/UDID.pem "
                    + "(certificate and chain), devices/UDID.key, devices/UDID.p12 and devices/UDID.p12.password.",
            "Run init first. Existing files are kept (and checked) unless --force."})
final class IssueDeviceCommand implements Callable<Integer> {
    static final int MAX_DAYS = 3650;

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory that init wrote.")
    private Path out;

    @Option(names = "--udid", required = true, paramLabel = "UDID", description = "The device's UDID; names the files.")
    private String udid;

    @Option(names = "--key", paramLabel = "rsa|ec", defaultValue = "rsa", converter = KeyTypeConverter.class,
            description = "Key type: rsa (RSA 2048, as devices hold) or ec (P-256). Default: ${DEFAULT-VALUE}.")
    private KeyAlgorithm keyAlgorithm;

    @Option(names = "--days", paramLabel = "N", defaultValue = "365",
            description = "Days the identity is valid, 1 to " + MAX_DAYS + ". Default: ${DEFAULT-VALUE}.")
    private int days;

    @Option(names = "--force", description = "Replace this device's existing files.")
    private boolean force;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws IOException {
        try {
            DeviceFiles.requireValidUdid(udid);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--udid: " + e.getMessage());
        }
        if (days < 1 || days > MAX_DAYS) {
            throw new ParameterException(spec.commandLine(), "--days must be between 1 and " + MAX_DAYS + ", not " + days);
        }
        DeviceResult result = DevStack.issueDevice(out, udid, keyAlgorithm, Duration.ofDays(days), force);
        DeviceFiles d = result.files();
        PrintWriter w = spec.commandLine().getOut();
        w.println("Device identity for " + udid + " in " + out.toAbsolutePath().normalize() + ":");
        CertsDev.printOutcomes(w, out, result.outcomes());
        w.println();
        w.println("Subject " + result.identity().certificate().getSubjectX500Principal().getName()
                + ", valid until " + result.identity().certificate().getNotAfter().toInstant());
        w.println("Client identity: " + out.relativize(d.cert()) + " with " + out.relativize(d.key())
                + ", or " + out.relativize(d.p12()) + " with the password in " + out.relativize(d.p12Password()));
        w.flush();
        return 0;
    }

    /** "rsa" or "ec", in any case. */
    static final class KeyTypeConverter implements ITypeConverter<KeyAlgorithm> {
        @Override
        public KeyAlgorithm convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "rsa" -> KeyAlgorithm.RSA_2048;
                case "ec" -> KeyAlgorithm.EC_P256;
                default -> throw new TypeConversionException("expected rsa or ec, not '" + value + "'");
            };
        }
    }
}
