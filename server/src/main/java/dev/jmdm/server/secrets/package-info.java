/** Encryption of secrets at rest: push certificate private keys, and bootstrap tokens, UnlockTokens and lock/wipe PINs bound to their rows. */
package dev.jmdm.server.secrets;
