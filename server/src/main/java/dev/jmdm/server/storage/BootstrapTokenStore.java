package dev.jmdm.server.storage;

import java.util.Optional;

/** A device's escrowed bootstrap token, sealed at rest (SetBootstrapToken, GetBootstrapToken). */
public interface BootstrapTokenStore {
    /** Stores the token; an empty or null one clears it. */
    void storeBootstrapToken(String deviceId, byte[] token);

    /** @throws dev.jmdm.server.secrets.UnreadableSecretException when it was sealed with another key or for another device */
    Optional<byte[]> bootstrapToken(String deviceId);
}
