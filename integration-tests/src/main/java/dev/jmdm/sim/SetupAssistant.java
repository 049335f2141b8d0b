package dev.jmdm.sim;

import com.dd.plist.NSDictionary;
import dev.jmdm.certsdev.Issued;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * What Setup Assistant does on an ADE device: post its MachineInfo (a plist, CMS-signed with the device's identity,
 * which Apple issued; in tests a stand-in "Apple device" CA issues it) to the ADE profile's URL, install the
 * enrollment profile it gets back (running its SCEP payload), then Authenticate and TokenUpdate, with
 * {@code AwaitingConfiguration} when the ADE profile says so, and answer commands until DeviceConfigured.
 */
public final class SetupAssistant {
    /** The media type Setup Assistant posts MachineInfo with. */
    public static final String CONTENT_TYPE = "application/pkcs7-signature";

    private SetupAssistant() {
    }

    /** The MachineInfo plist (Apple's keys: device-management other/machineinfo.yaml). */
    public static byte[] machineInfo(DeviceFacts facts) {
        NSDictionary d = new NSDictionary();
        d.put("UDID", facts.udid());
        d.put("SERIAL", facts.serialNumber());
        d.put("PRODUCT", facts.productName());
        d.put("VERSION", facts.buildVersion());
        d.put("OS_VERSION", facts.osVersion());
        d.put("LANGUAGE", "en-US");
        return d.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
    }

    /** CMS SignedData (DER) with {@code content} attached, signed by {@code signer} and carrying its chain. */
    public static byte[] sign(byte[] content, Issued signer) {
        try {
            CMSSignedDataGenerator g = new CMSSignedDataGenerator();
            String algorithm = "EC".equals(signer.privateKey().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            g.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .build(new JcaContentSignerBuilder(algorithm).build(signer.privateKey()), signer.certificate()));
            List<X509Certificate> certs = new ArrayList<>();
            certs.add(signer.certificate());
            certs.addAll(signer.chain());
            g.addCertificates(new JcaCertStore(certs));
            return g.generate(new CMSProcessableByteArray(content), true).getEncoded("DER");
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the MachineInfo: " + e.getMessage(), e);
        }
    }

    /** Posts a (signed) MachineInfo to the enrollment URL; the answer is the profile, or a JSON refusal. */
    public static HttpResponse<byte[]> post(HttpClient http, URI enrollUrl, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(enrollUrl).timeout(Duration.ofSeconds(30)).header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Fetches and installs the enrollment profile (its SCEP payload run against the server) for a device whose
     * identity {@code appleIdentity} signs the MachineInfo.
     *
     * @throws IllegalStateException when the server refuses the MachineInfo
     */
    public static EnrollmentProfile fetchProfile(HttpClient http, URI enrollUrl, DeviceFacts facts, Issued appleIdentity) throws Exception {
        HttpResponse<byte[]> r = post(http, enrollUrl, sign(machineInfo(facts), appleIdentity));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + enrollUrl + " answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
        }
        return EnrollmentProfile.install(r.body(), http, facts.udid());
    }

    /**
     * Answers commands until DeviceConfigured arrives (or the server has nothing more); returns every command handled.
     * Setup Assistant polls again when woken; this polls up to {@code polls} times.
     */
    public static List<HandledCommand> untilConfigured(SimulatedDevice device, int polls) throws InterruptedException {
        List<HandledCommand> all = new ArrayList<>();
        int before = device.state().deviceConfiguredCount();
        for (int i = 0; i < polls && device.state().deviceConfiguredCount() == before; i++) {
            List<HandledCommand> handled = device.channel().poll();
            all.addAll(handled);
            if (handled.isEmpty()) {
                Thread.sleep(100); // a step waits for background work (a profile sweep, a push): ask again shortly
            }
        }
        return all;
    }
}
