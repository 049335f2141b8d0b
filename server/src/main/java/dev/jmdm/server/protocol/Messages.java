package dev.jmdm.server.protocol;

import dev.jmdm.server.plist.PlistCodec;

/** Entry points that turn request bodies into protocol values. */
public final class Messages {
    private Messages() {
    }

    public static CheckinMessage checkin(byte[] body) {
        return CheckinMessage.parse(PlistCodec.parseDictionary(body), body);
    }

    public static CommandReport report(byte[] body) {
        return CommandReport.parse(PlistCodec.parseDictionary(body), body);
    }

    public static Command command(byte[] body) {
        return Command.parse(PlistCodec.parseDictionary(body), body);
    }
}
