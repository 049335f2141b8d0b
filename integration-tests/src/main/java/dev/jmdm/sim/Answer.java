package dev.jmdm.sim;

import com.dd.plist.NSDictionary;

/**
 * How a simulated device answers one command: a Status and the extra keys of the result
 * (ErrorChain, QueryResponses, ProfileList, ...). {@link #drop()} sends nothing at all, like a
 * device that lost its connection after running the command.
 */
public record Answer(String status, NSDictionary extra) {
    public static Answer acknowledged() {
        return new Answer("Acknowledged", new NSDictionary());
    }

    public static Answer acknowledged(NSDictionary extra) {
        return new Answer("Acknowledged", extra);
    }

    public static Answer notNow() {
        return new Answer("NotNow", new NSDictionary());
    }

    public static Answer commandFormatError() {
        return new Answer("CommandFormatError", new NSDictionary());
    }

    /** Error with an ErrorChain of one entry, as devices report failures. */
    public static Answer error(String domain, int code, String description) {
        NSDictionary e = new NSDictionary();
        e.put("ErrorDomain", domain);
        e.put("ErrorCode", code);
        e.put("LocalizedDescription", description);
        NSDictionary extra = new NSDictionary();
        extra.put("ErrorChain", new com.dd.plist.NSArray(e));
        return new Answer("Error", extra);
    }

    public static Answer drop() {
        return new Answer(null, null);
    }

    public boolean dropped() {
        return status == null;
    }
}
