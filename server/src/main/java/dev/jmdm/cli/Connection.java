package dev.jmdm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where the server is and how to sign in, settled once per run: a flag wins over {@code JMDM_*} environment
 * variables, which win over the chosen context of the config file ({@code --context}, else its
 * {@code current}).
 */
public record Connection(URI url, String user, String apiKey, Path cacert, String contextName) {
    public static final String DEFAULT_USER = "nanomdm";

    /** Flags as given (null when absent). */
    public record Flags(String url, String user, String apiKey, String cacert, String context, Path configFile) {
    }

    public static Connection resolve(Flags flags, Map<String, String> env) {
        Path configPath = flags.configFile() != null ? flags.configFile() : CliConfig.defaultPath(env);
        CliConfig.File file = CliConfig.read(configPath);
        String name = first(flags.context(), env.get("JMDM_CONTEXT"), file.current());
        CliConfig.Context ctx = null;
        if (name != null) {
            ctx = file.contexts().get(name);
            if (ctx == null && (flags.context() != null || env.get("JMDM_CONTEXT") != null)) {
                throw new ApiException(0, "no context '" + name + "' in " + configPath + " (jmdm context list)");
            }
        }
        String url = first(flags.url(), env.get("JMDM_URL"), ctx == null ? null : ctx.url());
        if (url == null) {
            throw new ApiException(0, "no server: give --url, set JMDM_URL, or choose a context (jmdm context set NAME --url …)");
        }
        String key = first(flags.apiKey(), env.get("JMDM_API_KEY"), ctx == null ? null : ctx.apiKey());
        if (key == null) {
            throw new ApiException(0, "no API key: give --api-key, set JMDM_API_KEY, or add one to the context");
        }
        String user = first(flags.user(), env.get("JMDM_USER"), ctx == null ? null : ctx.user());
        String cacert = first(flags.cacert(), env.get("JMDM_CACERT"), ctx == null ? null : ctx.cacert());
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new ApiException(0, "not a URL: " + url);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new ApiException(0, "the server URL must start with http:// or https://: " + url);
        }
        return new Connection(uri, user == null ? DEFAULT_USER : user, key, cacert == null ? null : Path.of(cacert), name);
    }

    public ApiClient client() {
        return new ApiClient(url, user, apiKey, cacert == null ? null : trusting(cacert));
    }

    /** TLS that trusts the certificates of a PEM file (a private CA, certs-dev's ca.pem) instead of the JDK's. */
    static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new ApiException(0, "no certificate in " + pem);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new ApiException(0, "cannot read the CA certificates " + pem + ": " + e.getMessage());
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
