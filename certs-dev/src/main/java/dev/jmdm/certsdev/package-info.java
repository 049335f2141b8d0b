/**
 * Real certificates for local stacks and tests: a CA that issues server TLS certificates, device identities and
 * stand-in push certificates, plus PEM and PKCS#12 encoding. Also the {@code certs-dev} CLI ({@link
 * dev.jmdm.certsdev.CertsDev}) and {@link dev.jmdm.certsdev.DevStack}, the same operations as a library.
 */
package dev.jmdm.certsdev;
