package dev.jmdm.sim.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jmdm.sim.DeviceState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * What {@code --state FILE} keeps of one simulated device between runs: who it is (UDID, identity with its key, push
 * token), where its server is, and what it holds (installed profiles, lock, passcode). JSON, mode 0600 (it holds the
 * identity's private key), replaced atomically so an interrupted run leaves the previous state.
 *
 * @param identityPem the identity certificate, its chain, then its unencrypted private key
 * @param cacert      the CA file the server's TLS certificate is checked against, or null for the JDK's
 * @param enrolled    whether the server accepted this device's Authenticate and TokenUpdate
 */
record SimState(String udid, String platform, String serverUrl, String checkInUrl, String topic, String auth, String cacert,
        String identityPem, byte[] token, String pushMagic, boolean enrolled, DeviceState.Snapshot device) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static SimState read(Path file) {
        try {
            return JSON.readValue(file.toFile(), SimState.class);
        } catch (IOException e) {
            throw new CliFailure("--state " + file + ": not a state file mdm-sim wrote (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.write(tmp, JSON.writeValueAsBytes(this));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
