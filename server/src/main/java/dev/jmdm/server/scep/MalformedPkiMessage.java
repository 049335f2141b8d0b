package dev.jmdm.server.scep;

/** A body that is not a SCEP pkiMessage at all, so no CertRep can answer it: a 400. */
final class MalformedPkiMessage extends RuntimeException {
    MalformedPkiMessage(String message) {
        super(message);
    }
}
