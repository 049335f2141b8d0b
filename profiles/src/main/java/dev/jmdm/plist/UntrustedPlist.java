package dev.jmdm.plist;

import com.dd.plist.BinaryPropertyListParser;
import com.dd.plist.NSObject;
import com.dd.plist.PropertyListFormatException;
import com.dd.plist.XMLPropertyListParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.w3c.dom.Document;
import org.w3c.dom.DocumentType;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.ext.DefaultHandler2;

/**
 * Reads property lists from untrusted bytes: binary ({@code bplist}) or XML. The one place that does, for
 * device messages (the server's {@code PlistCodec}), command answers and profile uploads.
 *
 * <p>XML must be UTF-8 (all Apple devices send; a body with NUL bytes is refused) and may carry Apple's
 * standard {@code <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ...>}, and nothing else in the way of
 * a DTD. dd-plist 1.30 turns off external entities and external DTD loading, but accepts documents that
 * declare entities of their own. So a first SAX pass over the prolog refuses every declaration
 * ({@code <!ENTITY}, {@code <!ELEMENT}, ...) and every other DOCTYPE, stopping at the root element; then a
 * DOM parser configured here (secure processing, no external DTD, entities or schemas, a resolver that
 * answers every request with an empty document) builds the tree that dd-plist reads, and that tree is
 * checked once more for an internal subset or entities. Nothing is ever fetched. Binary plists go to
 * dd-plist's binary parser; whatever it throws on malformed input (a stack overflow included) is a
 * refusal.
 */
public final class UntrustedPlist {
    private static final byte[] BINARY_MAGIC = "bplist".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> APPLE_PLIST_PUBLIC_IDS =
            Set.of("-//Apple//DTD PLIST 1.0//EN", "-//Apple Computer//DTD PLIST 1.0//EN");
    /** Prologs up to and with the root element's {@code <plist}: nothing in them can declare anything. */
    private static final byte[][] KNOWN_PROLOGS = knownPrologs();
    private static final SAXParserFactory SAX = safeSaxFactory();
    private static final DocumentBuilderFactory DOM = safeDomFactory();
    // Parsers are not thread-safe but reusable after reset(): one per thread keeps devices' hot path cheap.
    private static final ThreadLocal<SAXParser> SAX_PARSERS = ThreadLocal.withInitial(UntrustedPlist::newSaxParser);
    private static final ThreadLocal<DocumentBuilder> DOM_BUILDERS = ThreadLocal.withInitial(UntrustedPlist::newDocumentBuilder);

    private UntrustedPlist() {
    }

    /** The root object of a binary or XML property list; refused (with the reason) when it is neither or unsafe. */
    public static NSObject read(byte[] bytes) throws PropertyListFormatException {
        if (bytes == null || bytes.length == 0) {
            throw new PropertyListFormatException("empty document: a property list was expected");
        }
        boolean binary = isBinary(bytes);
        Document document = null;
        if (!binary) {
            refuseNonUtf8(bytes);
            if (!startsWithKnownProlog(bytes)) {
                scan(bytes, new PrologGuard());
            }
            document = parseDocument(bytes);
            refuseDeclaredContent(document);
        }
        NSObject root;
        try {
            root = binary ? BinaryPropertyListParser.parse(bytes) : XMLPropertyListParser.parse(document);
        } catch (PropertyListFormatException e) {
            throw e;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            // dd-plist signals some malformed input with runtime exceptions (UnsupportedOperationException,
            // NumberFormatException, index errors) and deep binary nesting with a stack overflow; on untrusted
            // bytes they all mean "not a property list".
            throw new PropertyListFormatException(describe(e), e);
        }
        if (root == null) {
            throw new PropertyListFormatException("the document holds no property list object");
        }
        return root;
    }

    /**
     * Only UTF-8 (what Apple devices send): a body with NUL bytes is UTF-16 or UTF-32, which byte-level
     * checks elsewhere (logs, limits) would misread.
     */
    private static void refuseNonUtf8(byte[] bytes) throws PropertyListFormatException {
        for (byte b : bytes) {
            if (b == 0) {
                throw new PropertyListFormatException("only UTF-8 XML property lists are accepted");
            }
        }
    }

    // After the prolog pass this cannot hold anything; checked again on the tree dd-plist reads all the same.
    private static void refuseDeclaredContent(Document document) throws PropertyListFormatException {
        DocumentType doctype = document.getDoctype();
        if (doctype != null && (doctype.getInternalSubset() != null && !doctype.getInternalSubset().isBlank()
                || doctype.getEntities().getLength() > 0)) {
            throw new PropertyListFormatException("the document declares its own DTD content or entities;"
                    + " only Apple's plist DOCTYPE is accepted");
        }
    }

    /**
     * Whether everything before the root element is, byte for byte, one of the prologs Apple devices and dd-plist
     * write. Such a prolog declares nothing, so the prolog pass has nothing to find and is skipped: it cost more CPU
     * than building the tree (JFR under the load benchmark), on every device request. Any other prolog, a variant in
     * white space included, takes the pass.
     */
    static boolean startsWithKnownProlog(byte[] bytes) {
        for (byte[] prolog : KNOWN_PROLOGS) {
            if (bytes.length > prolog.length && Arrays.equals(bytes, 0, prolog.length, prolog, 0, prolog.length)) {
                return true;
            }
        }
        return false;
    }

    public static boolean isBinary(byte[] bytes) {
        return bytes.length >= BINARY_MAGIC.length
                && Arrays.equals(bytes, 0, BINARY_MAGIC.length, BINARY_MAGIC, 0, BINARY_MAGIC.length);
    }

    /**
     * Whether an XML property list holds an {@code <integer>} outside the signed 64-bit range. dd-plist
     * reads such a value as a {@code <real>}, so writing the list back would change it.
     */
    public static boolean hasIntegerBeyond64Bits(byte[] xml) throws PropertyListFormatException {
        IntegerWidthScan scan = new IntegerWidthScan();
        scan(xml, scan);
        return scan.found;
    }

    private static void scan(byte[] xml, DefaultHandler2 handler) throws PropertyListFormatException {
        try {
            SAXParser parser = SAX_PARSERS.get();
            parser.reset();
            XMLReader reader = parser.getXMLReader();
            reader.setContentHandler(handler);
            reader.setDTDHandler(handler);
            reader.setErrorHandler(handler);
            reader.setEntityResolver(handler);
            reader.setProperty("http://xml.org/sax/properties/lexical-handler", handler);
            reader.setProperty("http://xml.org/sax/properties/declaration-handler", handler);
            reader.parse(new InputSource(new ByteArrayInputStream(xml)));
        } catch (PrologAccepted done) {
            // the root element began: everything a DTD could declare lies behind us
        } catch (Refused refused) {
            throw new PropertyListFormatException(refused.getMessage());
        } catch (IOException | SAXException e) {
            throw new PropertyListFormatException(describe(e), e);
        }
    }

    // dd-plist reads the document built here rather than its own: its parser prints malformed input to
    // stderr, and this way every setting of the XML parser that meets untrusted bytes is ours.
    private static Document parseDocument(byte[] xml) throws PropertyListFormatException {
        try {
            DocumentBuilder builder = DOM_BUILDERS.get();
            builder.reset();
            Guard guard = new Guard(); // resolves nothing; errors throw rather than print
            builder.setErrorHandler(guard);
            builder.setEntityResolver(guard);
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (IOException | SAXException e) {
            throw new PropertyListFormatException(describe(e), e);
        }
    }

    // JAXP does not promise that a factory is thread-safe.
    private static synchronized SAXParser newSaxParser() {
        try {
            return SAX.newSAXParser();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the XML parser cannot be configured safely", e);
        }
    }

    private static synchronized DocumentBuilder newDocumentBuilder() {
        try {
            return DOM.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be configured safely", e);
        }
    }

    private static String describe(Throwable e) {
        String message = e instanceof SAXParseException p
                ? p.getMessage() + " (line " + p.getLineNumber() + ")"
                : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static byte[][] knownPrologs() {
        String declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
        String doctype = "<!DOCTYPE plist PUBLIC \"%s\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">";
        java.util.List<byte[]> prologs = new java.util.ArrayList<>();
        for (String newline : new String[] {"\n", "\r\n"}) {
            for (String publicId : APPLE_PLIST_PUBLIC_IDS) {
                prologs.add((declaration + newline + doctype.formatted(publicId) + newline + "<plist").getBytes(StandardCharsets.US_ASCII));
            }
            prologs.add((declaration + newline + "<plist").getBytes(StandardCharsets.US_ASCII));
        }
        return prologs.toArray(byte[][]::new);
    }

    private static DocumentBuilderFactory safeDomFactory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (ParserConfigurationException | IllegalArgumentException e) {
            throw new IllegalStateException("the XML parser cannot be configured safely", e);
        }
        factory.setNamespaceAware(false);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        // as dd-plist configures its own: text split by comments or CDATA reads as one string
        factory.setIgnoringComments(true);
        factory.setCoalescing(true);
        return factory;
    }

    private static SAXParserFactory safeSaxFactory() {
        SAXParserFactory factory = SAXParserFactory.newInstance();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the XML parser cannot be configured safely", e);
        }
        factory.setNamespaceAware(false);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        return factory;
    }

    /** Refuses every DTD declaration and every DOCTYPE but Apple's plist one; resolves nothing. */
    private static class Guard extends DefaultHandler2 {
        @Override
        public void startDTD(String name, String publicId, String systemId) throws SAXException {
            if (!"plist".equals(name) || publicId == null || !APPLE_PLIST_PUBLIC_IDS.contains(publicId)) {
                throw new Refused("the DOCTYPE (" + name + ", public id " + publicId + ", system id " + systemId
                        + ") is not Apple's plist DOCTYPE; a plist may not declare entities or other DTD content");
            }
        }

        @Override
        public void internalEntityDecl(String name, String value) throws SAXException {
            throw new Refused("the document declares an entity (" + name + "); entity declarations are not allowed");
        }

        @Override
        public void externalEntityDecl(String name, String publicId, String systemId) throws SAXException {
            throw new Refused("the document declares an external entity (" + name + " -> " + systemId
                    + "); entity declarations are not allowed");
        }

        @Override
        public void unparsedEntityDecl(String name, String publicId, String systemId, String notation)
                throws SAXException {
            throw new Refused("the document declares an entity (" + name + "); entity declarations are not allowed");
        }

        @Override
        public void elementDecl(String name, String model) throws SAXException {
            throw new Refused("the document declares DTD markup (element " + name + "); only Apple's plist DOCTYPE is allowed");
        }

        @Override
        public void attributeDecl(String element, String attribute, String type, String mode, String value)
                throws SAXException {
            throw new Refused("the document declares DTD markup (attribute " + element + "/" + attribute
                    + "); only Apple's plist DOCTYPE is allowed");
        }

        @Override
        public void notationDecl(String name, String publicId, String systemId) throws SAXException {
            throw new Refused("the document declares DTD markup (notation " + name + "); only Apple's plist DOCTYPE is allowed");
        }

        @Override
        public InputSource resolveEntity(String name, String publicId, String baseUri, String systemId) {
            return new InputSource(new ByteArrayInputStream(new byte[0]));
        }

        @Override
        public InputSource resolveEntity(String publicId, String systemId) {
            return new InputSource(new ByteArrayInputStream(new byte[0]));
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }
    }

    private static final class PrologGuard extends Guard {
        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) throws SAXException {
            throw new PrologAccepted();
        }
    }

    private static final class IntegerWidthScan extends Guard {
        private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
        private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);
        private final StringBuilder text = new StringBuilder();
        private boolean inInteger;
        private boolean found;

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            inInteger = "integer".equals(qName);
            text.setLength(0);
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (inInteger) {
                text.append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            if (inInteger) {
                inInteger = false;
                try {
                    BigInteger value = new BigInteger(text.toString().trim());
                    found |= value.compareTo(MIN) < 0 || value.compareTo(MAX) > 0;
                } catch (NumberFormatException e) {
                    found = true; // not a plain decimal: dd-plist's reading of it cannot be trusted to round-trip
                }
            }
        }
    }

    /** Stops the prolog pass early; not an error. */
    private static final class PrologAccepted extends SAXException {
        PrologAccepted() {
            super("prolog accepted");
        }
    }

    private static final class Refused extends SAXException {
        Refused(String message) {
            super(message);
        }
    }
}
