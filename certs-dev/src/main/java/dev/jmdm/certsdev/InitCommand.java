package dev.jmdm.certsdev;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "init", usageHelpAutoWidth = true,
        header = "Write the dev CAs, server and mock APNs TLS certificates and a stand-in MDM push certificate.",
        description = {
            "Writes into DIR: a dev root CA (ca.pem, ca.key); a server TLS certificate for localhost, 127.0.0.1, ::1 "
                    + "and every --name (server.pem with its chain, server.key); a device-identity CA (device-ca.pem, "
                    + "device-ca.key); a mock APNs server certificate (apns-server.pem, apns-server.key); a stand-in "
                    + "Apple push CA (push-ca.pem, push-ca.key) and a stand-in MDM push certificate issued by it "
                    + "(push.pem, push.key, push.p12, push.p12.password).",
            "Existing files are kept (and checked) unless --force. Key, PKCS#12 and password files are mode 0600."})
final class InitCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (created if missing).")
    private Path out;

    @Option(names = "--name", split = ",", paramLabel = "NAME",
            description = "Another DNS name or IP address for the server certificate; repeat or separate with commas.")
    private List<String> names = new ArrayList<>();

    @Option(names = "--force", description = "Replace every existing file (device identities issued earlier will no "
            + "longer chain to the new device CA).")
    private boolean force;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ParameterException(spec.commandLine(), "--out " + out + " is not a directory");
        }
        for (String name : names) {
            try {
                SubjectAltNames.requireValid(name);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--name: " + e.getMessage());
            }
        }
        InitResult result = DevStack.init(out, names, force);
        StackFiles f = result.files();
        PrintWriter w = spec.commandLine().getOut();
        w.println("Development PKI in " + f.dir().toAbsolutePath().normalize() + ":");
        CertsDev.printOutcomes(w, f.dir(), result.outcomes());
        w.println();
        w.println("Push topic: " + result.pushTopic());
        w.println();
        w.println("Server settings:");
        for (Map.Entry<String, String> e : f.environment().entrySet()) {
            w.println("  export " + e.getKey() + "=" + CertsDev.shellQuote(e.getValue()));
        }
        w.println();
        w.println("Mock APNs: serve apns-server.pem with apns-server.key; trust push-ca.pem for client certificates.");
        w.println("Point the server at it with both of these (PORT: where it listens); leave both unset to push");
        w.println("through Apple, whose servers MDM_APNS_CA would no longer trust:");
        for (Map.Entry<String, String> e : f.mockApnsEnvironment("https://127.0.0.1:PORT").entrySet()) {
            w.println("  export " + e.getKey() + "=" + CertsDev.shellQuote(e.getValue()));
        }
        w.println("Push client: push.p12 with the password in push.p12.password, or push.pem with push.key.");
        w.println("Device identities: certs-dev issue-device --out " + CertsDev.shellQuote(f.dir().toString())
                + " --udid UDID");
        w.flush();
        return 0;
    }
}
