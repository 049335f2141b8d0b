package dev.jmdm.certsdev;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where {@code certs-dev init} puts each file of a development PKI. */
public record StackFiles(
        Path dir,
        Path caCert,
        Path caKey,
        Path serverCert,
        Path serverKey,
        Path deviceCaCert,
        Path deviceCaKey,
        Path apnsServerCert,
        Path apnsServerKey,
        Path pushCaCert,
        Path pushCaKey,
        Path pushCert,
        Path pushKey,
        Path pushP12,
        Path pushP12Password) {

    /** The standard file names inside {@code dir}. */
    public static StackFiles in(Path dir) {
        return new StackFiles(dir,
                dir.resolve("ca.pem"), dir.resolve("ca.key"),
                dir.resolve("server.pem"), dir.resolve("server.key"),
                dir.resolve("device-ca.pem"), dir.resolve("device-ca.key"),
                dir.resolve("apns-server.pem"), dir.resolve("apns-server.key"),
                dir.resolve("push-ca.pem"), dir.resolve("push-ca.key"),
                dir.resolve("push.pem"), dir.resolve("push.key"),
                dir.resolve("push.p12"), dir.resolve("push.p12.password"));
    }

    /** The files of one device identity issued from this stack's device CA. */
    public DeviceFiles device(String udid) {
        return DeviceFiles.in(dir, udid);
    }

    /**
     * The server's {@code MDM_*} settings that point at these files, as absolute paths, in a stable order. The
     * stand-in APNs settings are apart ({@link #mockApnsEnvironment}): they belong only with a stand-in.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MDM_CA", absolute(deviceCaCert));
        env.put("MDM_TLS_CERT", absolute(serverCert));
        env.put("MDM_TLS_KEY", absolute(serverKey));
        env.put("MDM_DEVICE_CA_CERT", absolute(deviceCaCert));
        env.put("MDM_DEVICE_CA_KEY", absolute(deviceCaKey));
        return Collections.unmodifiableMap(env);
    }

    /**
     * The settings that send the server's pushes to a stand-in APNs serving {@code apns-server.pem} at {@code url}
     * ({@code https://HOST:PORT}). Always both: {@code MDM_APNS_CA} replaces the trust anchors for the APNs host, so
     * with Apple's APNs it would make every push fail.
     */
    public Map<String, String> mockApnsEnvironment(String url) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MDM_APNS_URL", url);
        env.put("MDM_APNS_CA", absolute(caCert));
        return Collections.unmodifiableMap(env);
    }

    private static String absolute(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }
}
