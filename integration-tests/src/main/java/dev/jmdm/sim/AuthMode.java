package dev.jmdm.sim;

/** How a simulated device proves its identity on each request. */
public enum AuthMode {
    /** The Mdm-Signature header, as devices do when the profile says SignMessage. */
    MDM_SIGNATURE,
    /** A reverse proxy's forwarded client certificate, RFC 9440 form, in the named header. */
    PROXY_HEADER,
    /**
     * The TLS client certificate only: no identity header; the transport's HTTP client presents the identity
     * ({@link MutualTls#client}), as a device does when the server asks for a certificate during the handshake.
     */
    MTLS,
    /** No identity at all: for tests of refusals. */
    NONE
}
