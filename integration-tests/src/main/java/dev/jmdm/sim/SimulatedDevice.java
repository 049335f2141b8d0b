package dev.jmdm.sim;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import dev.jmdm.certsdev.Issued;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A simulated Apple device: a real identity certificate, real signatures on every request, and
 * state that makes its answers true (profiles it installed, facts it reports). Its device
 * channel and any user channels are {@link Channel}s.
 *
 * <p>Typical use: {@code device.enroll(); admin.enqueue(...); device.poll();}
 */
public final class SimulatedDevice {
    private static final SecureRandom RANDOM = new SecureRandom();

    private volatile DeviceTransport transport;
    private final DeviceFacts facts;
    private final String topic;
    private final String enrollmentId;
    private final DeviceState state = new DeviceState();
    private final Channel deviceChannel;
    private final Map<String, Channel> userChannels = new ConcurrentHashMap<>();
    private volatile CommandResponder responder;
    private volatile Issued identity;
    private volatile MdmSigner signer;
    private volatile AuthMode authMode = AuthMode.MDM_SIGNATURE;
    private volatile String proxyHeader = "X-Client-Cert";
    private volatile MdmSigner.Encoding encoding = MdmSigner.Encoding.BER;
    private volatile Behaviour behaviour = (requestType, command) -> null;
    private volatile boolean sparseAuthenticate;

    /**
     * Decides an answer before the truthful responder does; return null to let the device
     * answer truthfully. Tests use it for NotNow, errors and dropped answers.
     */
    @FunctionalInterface
    public interface Behaviour {
        Answer override(String requestType, NSDictionary command);
    }

    /**
     * @param enrollmentId null for a UDID-based enrollment; set for a User Enrollment (BYOD),
     *                     whose messages carry EnrollmentID instead of UDID
     */
    public SimulatedDevice(DeviceTransport transport, Issued identity, DeviceFacts facts, String topic, String enrollmentId) {
        this.transport = transport;
        this.facts = facts;
        this.topic = topic;
        this.enrollmentId = enrollmentId;
        this.responder = new CommandResponder(facts, state, enrollmentId != null);
        useIdentity(identity);
        NSDictionary keys = new NSDictionary();
        if (enrollmentId != null) {
            keys.put("EnrollmentID", enrollmentId);
        } else {
            keys.put("UDID", facts.udid());
        }
        this.deviceChannel = new Channel(this, keys);
    }

    /** A macOS device with a random UDID. */
    public static SimulatedDevice mac(DeviceTransport transport, Issued identity, String topic) {
        return new SimulatedDevice(transport, identity, DeviceFacts.generate(DeviceFacts.Platform.MACOS,
                UUID.randomUUID().toString().toUpperCase()), topic, null);
    }

    public static SimulatedDevice iphone(DeviceTransport transport, Issued identity, String topic) {
        return new SimulatedDevice(transport, identity, DeviceFacts.generate(DeviceFacts.Platform.IOS,
                UUID.randomUUID().toString().toUpperCase()), topic, null);
    }

    public String udid() {
        return facts.udid();
    }

    /** The id the server addresses this device's channel by. */
    public String enrollmentId() {
        return enrollmentId != null ? enrollmentId : facts.udid();
    }

    public DeviceFacts facts() {
        return facts;
    }

    public DeviceState state() {
        return state;
    }

    public String topic() {
        return topic;
    }

    public Issued identity() {
        return identity;
    }

    public Channel channel() {
        return deviceChannel;
    }

    public SimulatedDevice authMode(AuthMode mode) {
        this.authMode = mode;
        return this;
    }

    public SimulatedDevice proxyHeader(String name) {
        this.proxyHeader = name;
        return this;
    }

    public SimulatedDevice signatureEncoding(MdmSigner.Encoding encoding) {
        this.encoding = encoding;
        this.signer = new MdmSigner(identity, encoding);
        return this;
    }

    public SimulatedDevice behaviour(Behaviour behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    /**
     * Leaves SerialNumber and ProductName out of Authenticate (both are optional there, checkin/authenticate.yaml),
     * as some enrollments do; the device still reports them to DeviceInformation.
     */
    public SimulatedDevice sparseAuthenticate(boolean sparse) {
        this.sparseAuthenticate = sparse;
        return this;
    }

    /** Swaps the identity certificate, as a renewal or a new enrollment profile does. */
    public void useIdentity(Issued identity) {
        this.identity = identity;
        this.signer = new MdmSigner(identity, encoding);
    }

    /**
     * Moves the device to another transport. In {@link AuthMode#MTLS} the identity lives in the transport's TLS
     * client, so a renewal is {@code useIdentity(next)} plus a transport presenting {@code next}.
     */
    public void useTransport(DeviceTransport transport) {
        this.transport = transport;
    }

    /** Authenticate then TokenUpdate on the device channel; fails unless both are accepted. */
    public void enroll() {
        expectOk(authenticate(), "Authenticate");
        expectOk(deviceChannel.tokenUpdate(), "TokenUpdate");
    }

    /**
     * Authenticate then TokenUpdate with {@code AwaitingConfiguration}: a device in Setup Assistant whose ADE profile
     * awaits configuration; it stays there until the server sends DeviceConfigured.
     */
    public void enrollAwaitingConfiguration() {
        expectOk(authenticate(), "Authenticate");
        expectOk(deviceChannel.tokenUpdate(java.util.Map.of("AwaitingConfiguration", true)), "TokenUpdate");
    }

    public ServerReply authenticate() {
        NSDictionary m = deviceChannel.message("Authenticate");
        m.put("Topic", topic);
        // Apple keeps the serial number from the server in User Enrollment (checkin/authenticate.yaml).
        if (enrollmentId == null && !sparseAuthenticate) {
            m.put("SerialNumber", facts.serialNumber());
        }
        if (!sparseAuthenticate) {
            m.put("ProductName", facts.productName());
        }
        m.put("OSVersion", facts.osVersion());
        m.put("BuildVersion", facts.buildVersion());
        m.put("DeviceName", facts.deviceName());
        m.put("Model", facts.model());
        return checkin(m);
    }

    /**
     * Whether TokenUpdate carries an UnlockToken: only iOS device channels outside User
     * Enrollment send one (checkin/tokenupdate.yaml: macOS n/a, User Enrollment forbidden).
     */
    boolean escrowsUnlockToken() {
        return enrollmentId == null && facts.platform() == DeviceFacts.Platform.IOS;
    }

    /** The device was erased: everything it had is gone; it must enroll again. */
    public void erase() {
        state.erase();
        deviceChannel.newToken();
        userChannels.clear();
    }

    /** A macOS user channel (UserID is the user's GUID). */
    public Channel user(String userId, String shortName, String longName) {
        return userChannels.computeIfAbsent(userId + ":" + shortName, k -> {
            NSDictionary keys = new NSDictionary();
            keys.put("UDID", facts.udid());
            keys.put("UserID", userId);
            keys.put("UserShortName", shortName);
            keys.put("UserLongName", longName);
            return new Channel(this, keys);
        });
    }

    /** A Shared iPad user: the fixed Shared iPad UserID, told apart by UserShortName. */
    public Channel sharedIpadUser(String managedAppleId) {
        return user("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", managedAppleId, managedAppleId);
    }

    /** The user channel of a User Enrollment (EnrollmentUserID beside EnrollmentID). */
    public Channel userEnrollmentUser(String enrollmentUserId) {
        return userChannels.computeIfAbsent("ue:" + enrollmentUserId, k -> {
            NSDictionary keys = new NSDictionary();
            keys.put("EnrollmentID", enrollmentId());
            keys.put("EnrollmentUserID", enrollmentUserId);
            return new Channel(this, keys);
        });
    }

    ServerReply checkin(NSDictionary message) {
        byte[] body = message.toXMLPropertyList().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return switch (authMode) {
            case MDM_SIGNATURE -> transport.checkin(body, "Mdm-Signature", signer.sign(body));
            case PROXY_HEADER -> transport.checkin(body, proxyHeader, rfc9440());
            case MTLS, NONE -> transport.checkin(body, null, null);
        };
    }

    ServerReply connect(byte[] body) {
        return switch (authMode) {
            case MDM_SIGNATURE -> transport.connect(body, "Mdm-Signature", signer.sign(body));
            case PROXY_HEADER -> transport.connect(body, proxyHeader, rfc9440());
            case MTLS, NONE -> transport.connect(body, null, null);
        };
    }

    Answer answer(String requestType, NSDictionary command) {
        Answer override = behaviour.override(requestType, command);
        return override != null ? override : responder.answer(requestType, command);
    }

    private String rfc9440() {
        try {
            return ":" + Base64.getEncoder().encodeToString(identity.certificate().getEncoded()) + ":";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static NSData data(byte[] bytes) {
        return new NSData(bytes);
    }

    static void expectOk(ServerReply reply, String what) {
        if (reply.status() != 200) {
            throw new Refused(what, reply);
        }
    }
}
