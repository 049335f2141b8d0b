package dev.jmdm.server.enroll;

import io.nayuki.qrcodegen.QrCode;

/**
 * A QR code as an SVG document, drawn on the server (nayuki's qrcodegen, MIT) so the console needs no script for it and
 * the link's token never leaves the answer that creates it. One path of unit squares with a four-module quiet zone,
 * as the QR specification asks; medium error correction leaves room for a long enrollment URL.
 */
public final class QrSvg {
    private static final int BORDER = 4;

    private QrSvg() {
    }

    public static String of(String text) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
        int size = qr.size + BORDER * 2;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    path.append('M').append(x + BORDER).append(',').append(y + BORDER).append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size + "\" shape-rendering=\"crispEdges\" role=\"img\">"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"" + path + "\" fill=\"#000\"/></svg>";
    }
}
