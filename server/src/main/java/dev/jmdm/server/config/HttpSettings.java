package dev.jmdm.server.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The listener: where it listens, how large a body it takes, HTTPS, and how it recognises devices.
 *
 * @param listen       address to listen on (MDM_LISTEN)
 * @param maxBodyBytes largest request body accepted (MDM_MAX_BODY)
 * @param tls          the HTTPS listener's certificate and key (MDM_TLS_CERT, MDM_TLS_KEY); null: plain HTTP (TLS ends
 *                     at a proxy, or tests)
 * @param caFile       PEM file of CA certificates that issue device identities (MDM_CA); null: only MDM_DEVICE_CA_CERT
 * @param certHeader   header carrying a proxy-forwarded client certificate (MDM_CERT_HEADER); null ignores such headers
 */
public record HttpSettings(InetSocketAddress listen, long maxBodyBytes, Tls tls, Path caFile, String certHeader) {
    public static final int DEFAULT_PORT = 9000;
    public static final long DEFAULT_MAX_BODY = 8L * 1024 * 1024;
    /** Smaller than the smallest check-in plist a device sends. */
    public static final long MIN_MAX_BODY = 1024;
    /** A body is held in memory whole: past this one request could take the heap. */
    public static final long MAX_MAX_BODY = 1024L * 1024 * 1024;

    public HttpSettings {
        Objects.requireNonNull(listen, "listen");
        if (maxBodyBytes < MIN_MAX_BODY || maxBodyBytes > MAX_MAX_BODY) {
            throw new SettingsException("MDM_MAX_BODY: " + maxBodyBytes + " bytes is not a size between 1KiB and 1GiB");
        }
    }

    /**
     * HTTPS at this server.
     *
     * @param certFile PEM certificate, optionally followed by its chain
     * @param keyFile  PEM private key of that certificate (unencrypted)
     */
    public record Tls(Path certFile, Path keyFile) {
        public Tls {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
        }
    }

    /** Port 9000 on every address, 8 MiB bodies, plain HTTP, no device CA, no proxy header. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private InetSocketAddress listen = new InetSocketAddress(DEFAULT_PORT);
        private long maxBodyBytes = DEFAULT_MAX_BODY;
        private Tls tls;
        private Path caFile;
        private String certHeader;

        private Builder() {
        }

        public Builder listen(InetSocketAddress listen) {
            this.listen = listen;
            return this;
        }

        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        public Builder caFile(Path caFile) {
            this.caFile = caFile;
            return this;
        }

        public Builder certHeader(String certHeader) {
            this.certHeader = certHeader;
            return this;
        }

        public HttpSettings build() {
            return new HttpSettings(listen, maxBodyBytes, tls, caFile, certHeader);
        }
    }
}
