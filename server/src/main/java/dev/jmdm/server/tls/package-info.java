/**
 * The server's own certificates and keys from PEM files (TLS, profile signing, the device CA), the HTTPS
 * listener's SSLContext, and the set of device CAs the server trusts.
 */
package dev.jmdm.server.tls;
