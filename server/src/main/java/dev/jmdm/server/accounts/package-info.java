/**
 * Console accounts (issue #18): users with roles, Argon2id passwords, cookie sessions with CSRF tokens, sign-in
 * lockout, the first admin, and the rule table of which role each admin API route needs.
 */
package dev.jmdm.server.accounts;
