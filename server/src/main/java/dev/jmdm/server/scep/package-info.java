/**
 * The SCEP server (RFC 8894) at {@code /scep}: one-time challenges minted for enrollment profiles, PKCSReq and
 * RenewalReq answered with CMS CertReps, and the record of every certificate issued (listed per host, revoked when a
 * host is deleted). See docs/scep.md.
 */
package dev.jmdm.server.scep;
