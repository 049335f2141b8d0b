package dev.jmdm.profiles;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The ErrorChain of a device's Error or CommandFormatError answer: the error first, then what caused it.
 */
public record ErrorChain(List<Item> items) {
    /** One error; description is the US English text when the device sent one, else the localized one, else null. */
    public record Item(String domain, long code, String description) {
        public Item {
            Objects.requireNonNull(domain, "domain");
        }

        /** "MDMClientError (89): Profile with identifier 'x' not found." */
        public String text() {
            return domain + " (" + code + ")" + (description == null ? "" : ": " + description);
        }
    }

    public ErrorChain {
        items = List.copyOf(items);
    }

    public static ErrorChain of(Item... items) {
        return new ErrorChain(List.of(items));
    }

    /**
     * The ErrorChain of a device's command answer; empty when it has none. Lenient about the items (a
     * missing domain reads as "", a missing code as 0): the chain explains a failure, it decides nothing.
     */
    public static ErrorChain parse(byte[] answer) {
        NSObject chain = CommandAnswer.read(answer).get("ErrorChain");
        if (chain == null) {
            return new ErrorChain(List.of());
        }
        if (!(chain instanceof NSArray array)) {
            throw new IllegalArgumentException("the command answer's ErrorChain is not an array");
        }
        List<Item> items = new ArrayList<>(array.count());
        for (int i = 0; i < array.count(); i++) {
            String where = "ErrorChain[" + i + "]";
            if (!(array.objectAtIndex(i) instanceof NSDictionary item)) {
                throw new IllegalArgumentException(where + " is not a dictionary");
            }
            String domain = CommandAnswer.string(item, "ErrorDomain", where);
            String english = CommandAnswer.string(item, "USEnglishDescription", where);
            String localized = CommandAnswer.string(item, "LocalizedDescription", where);
            long code = item.get("ErrorCode") instanceof NSNumber n ? n.longValue() : 0;
            items.add(new Item(domain == null ? "" : domain, code, english != null ? english : localized));
        }
        return new ErrorChain(items);
    }

    public boolean contains(String domain, long code) {
        return items.stream().anyMatch(i -> i.code() == code && i.domain().equals(domain));
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** Every item's text, joined with "; ": what a host's profile status shows as its detail. */
    public String text() {
        return items.stream().map(Item::text).collect(Collectors.joining("; "));
    }
}
