/**
 * Which device certificate made a request, and whether to believe it: {@code Mdm-Signature} CMS, mTLS peer
 * certificates or a proxy's client-certificate header, each checked against the configured MDM CA.
 * {@link dev.jmdm.server.identity.DeviceIdentityResolver} is the entry point for the HTTP layer.
 */
package dev.jmdm.server.identity;
