package dev.jmdm.sim;

/** How a simulated device proves its identity on each request. */
public enum AuthMode {
    /** The Mdm-Signature header, as devices do when the profile says SignMessage. */
    MDM_SIGNATURE,
    /** A reverse proxy's forwarded client certificate, RFC 9440 form, in the named header. */
    PROXY_HEADER,
    /** No identity at all: for tests of refusals. */
    NONE
}
