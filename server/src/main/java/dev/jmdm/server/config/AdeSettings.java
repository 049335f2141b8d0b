package dev.jmdm.server.config;

import java.nio.file.Path;

/**
 * Setup Assistant enrollment ({@code POST /mdm/enroll}, issue #15, docs/ade.md).
 *
 * @param deviceCa PEM file of the CA certificates a MachineInfo's signer must chain to (MDM_DEP_DEVICE_CA); null:
 *                 Apple Root CA, bundled with the server (real devices sign with an identity Apple issued)
 */
public record AdeSettings(Path deviceCa) {
    /** Apple's root: what real devices' MachineInfo chains to. */
    public static final AdeSettings DEFAULTS = new AdeSettings(null);
}
