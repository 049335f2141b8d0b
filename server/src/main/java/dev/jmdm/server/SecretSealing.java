package dev.jmdm.server;

import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.storage.SecretSealingPass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals what an earlier version stored in plaintext. The key check is quick and feeds /readyz from the start; the
 * sealing itself may take minutes on a large fleet, so it runs beside the server (reads accept plaintext meanwhile).
 */
final class SecretSealing implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(SecretSealing.class);

    private final SecretSealingPass pass;

    SecretSealing(SecretSealingPass pass) {
        this.pass = pass;
        pass.probe();
    }

    @Override
    public void start() {
        Thread sealer = new Thread(() -> {
            try {
                pass.seal();
            } catch (RuntimeException e) {
                LOG.warn("background task failed: {}", e.getMessage(), e);
            }
        }, "secret-sealing");
        sealer.setDaemon(true);
        sealer.start();
    }

    @Override
    public void close() {
        pass.stop();
    }
}
