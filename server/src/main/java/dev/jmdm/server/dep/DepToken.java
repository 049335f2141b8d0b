package dev.jmdm.server.dep;

import java.time.Instant;

/**
 * An ABM server token: the OAuth 1.0a consumer and access keys the DEP API's {@code /session} is signed with, as the
 * decrypted {@code .p7m} carries them.
 *
 * @param accessTokenExpiry when ABM stops accepting the token (a year after download); null when the file gave none
 */
public record DepToken(
        String consumerKey,
        String consumerSecret,
        String accessToken,
        String accessSecret,
        Instant accessTokenExpiry) {

    @Override
    public String toString() {
        return "DepToken[consumer_key=" + consumerKey + ", secrets hidden]";
    }
}
