/** Encryption of secrets at rest (push certificate private keys). */
package dev.jmdm.server.secrets;
