package dev.jmdm.sim;

/**
 * The server answered a device request with something other than 200: which request, and the answer, so a caller
 * (a test, or {@code mdm-sim}) can tell a refusal from a broken connection and say it in one line.
 */
public final class Refused extends IllegalStateException {
    private final String request;
    private final transient ServerReply reply;

    Refused(String request, ServerReply reply) {
        super(request + " answered " + reply.status() + ": " + reply.text());
        this.request = request;
        this.reply = reply;
    }

    /** "Authenticate", "TokenUpdate" or "command poll". */
    public String request() {
        return request;
    }

    public ServerReply reply() {
        return reply;
    }
}
