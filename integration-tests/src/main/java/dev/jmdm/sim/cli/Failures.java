package dev.jmdm.sim.cli;

import dev.jmdm.sim.Refused;
import dev.jmdm.sim.ServerReply;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.net.ssl.SSLException;

/** Turns what went wrong into the one line {@code mdm-sim} prints: what the server said, or why it was not reached. */
final class Failures {
    private Failures() {
    }

    static String describe(Throwable e) {
        if (e instanceof Refused r) {
            return refusal(r.request(), r.reply());
        }
        if (e instanceof CliFailure) {
            return e.getMessage();
        }
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String hint = hint(t);
            if (hint != null) {
                parts.add(hint);
                break;
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                parts.add(t.getMessage());
            }
        }
        if (parts.isEmpty()) {
            parts.add(e.getClass().getSimpleName());
        }
        return String.join(": ", parts).replaceAll("\\s*\\R\\s*", " ");
    }

    /** A device request the server answered with something other than 200. */
    static String refusal(String request, ServerReply reply) {
        String said = reply.text().isBlank() ? "(no body)" : reply.text().strip();
        String line = request + " refused with " + reply.status() + " " + said;
        if (reply.unenrollsDevice()) {
            return line + "; the server does not know this device (it never enrolled, or its host was deleted), "
                    + "and a real device would now remove its MDM profile: enroll again";
        }
        return switch (reply.status()) {
            case 400 -> line + "; check that the identity is issued by a CA the server trusts (MDM_CA)";
            case 403 -> line + "; this certificate may not speak for that device";
            default -> line;
        };
    }

    private static String hint(Throwable t) {
        if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
            return "cannot reach the server (connection refused or timed out): is it running, and is the URL right?";
        }
        if (t instanceof UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        if (t instanceof HttpTimeoutException) {
            return "the server did not answer in time";
        }
        if (t instanceof SSLException) {
            return "TLS failed (" + t.getMessage() + "); is --cacert the CA of the server's certificate?";
        }
        if (t instanceof NoSuchFileException) {
            return "no such file: " + t.getMessage();
        }
        return null;
    }
}
