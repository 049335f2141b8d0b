package dev.jmdm.server.plist;

import com.dd.plist.BinaryPropertyListParser;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.XMLPropertyListParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.DocumentType;
import org.xml.sax.InputSource;

/**
 * Parses untrusted property lists. Apple's XML plists carry
 * {@code <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ...>}, which we accept, but the DTD is
 * never fetched and a document that declares anything of its own (an internal subset, where
 * entities live) is refused before any entity could be expanded. Binary plists go to dd-plist's
 * binary parser, which bounds nesting.
 */
public final class PlistCodec {
    private static final byte[] BINARY_MAGIC = "bplist".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(PlistCodec::newBuilder);

    private PlistCodec() {
    }

    /** The top-level dictionary of an XML or binary plist. */
    public static NSDictionary parseDictionary(byte[] body) {
        NSObject root = parse(body);
        if (root instanceof NSDictionary dict) {
            return dict;
        }
        throw new PlistException("plist root is " + (root == null ? "empty" : root.getClass().getSimpleName().replace("NS", "").toLowerCase())
                + ", not a dictionary");
    }

    public static NSObject parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new PlistException("empty body: a plist was expected");
        }
        if (startsWith(body, BINARY_MAGIC)) {
            try {
                return BinaryPropertyListParser.parse(body);
            } catch (Exception | StackOverflowError e) {
                throw new PlistException("malformed binary plist: " + e.getMessage(), e);
            }
        }
        refuseDeclarations(body);
        Document doc;
        try {
            DocumentBuilder builder = BUILDERS.get();
            builder.reset();
            doc = builder.parse(new InputSource(new ByteArrayInputStream(body)));
        } catch (Exception e) {
            throw new PlistException("malformed XML plist: " + e.getMessage(), e);
        }
        DocumentType doctype = doc.getDoctype();
        if (doctype != null && (doctype.getInternalSubset() != null && !doctype.getInternalSubset().isBlank()
                || doctype.getEntities().getLength() > 0)) {
            throw new PlistException("plist declares its own DTD content or entities; only Apple's standard DOCTYPE is accepted");
        }
        try {
            return XMLPropertyListParser.parse(doc);
        } catch (Exception e) {
            throw new PlistException("malformed XML plist: " + e.getMessage(), e);
        }
    }

    /** XML bytes of a plist object, as devices expect them. */
    public static byte[] toXml(NSObject object) {
        return object.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Refuses entity declarations before the XML parser sees them, so nothing is ever expanded. A
     * byte scan is sound because we also refuse encodings other than UTF-8 (a UTF-16 body has NUL
     * bytes), which is all Apple devices send.
     */
    private static void refuseDeclarations(byte[] body) {
        for (byte b : body) {
            if (b == 0) {
                throw new PlistException("only UTF-8 XML plists are accepted");
            }
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        if (text.contains("<!ENTITY")) {
            throw new PlistException("plist declares entities; only Apple's standard DOCTYPE is accepted");
        }
        int doctype = text.indexOf("<!DOCTYPE");
        if (doctype >= 0) {
            int end = text.indexOf('>', doctype);
            if (end < 0 || text.substring(doctype, end).indexOf('[') >= 0) {
                throw new PlistException("plist DOCTYPE has an internal subset; only Apple's standard DOCTYPE is accepted");
            }
        }
    }

    private static boolean startsWith(byte[] body, byte[] prefix) {
        if (body.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setValidating(false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setIgnoringComments(true);
            DocumentBuilder b = f.newDocumentBuilder();
            // Parse errors become exceptions, not stderr noise.
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void error(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXParseException {
                    throw e;
                }
            });
            b.setEntityResolver((publicId, systemId) -> new InputSource(new java.io.StringReader("")));
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser lacks a required security feature", e);
        }
    }
}
