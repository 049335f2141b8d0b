package dev.jmdm.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * The config file of named contexts ({@code jmdm context use prod}): YAML at {@code $JMDM_CONFIG}, else
 * {@code ~/.config/jmdm/config.yml}. It may hold API keys, so it is written readable by its owner only.
 */
public final class CliConfig {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** One server and the credentials for it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Context(String url, String user, @JsonProperty("api_key") String apiKey, String cacert) {
    }

    /** The file's contents. */
    public record File(String current, Map<String, Context> contexts) {
        public File {
            contexts = contexts == null ? new TreeMap<>() : new TreeMap<>(contexts);
        }
    }

    private CliConfig() {
    }

    public static Path defaultPath(Map<String, String> env) {
        String explicit = env.get("JMDM_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("jmdm").resolve("config.yml");
    }

    public static File read(Path path) {
        if (!Files.exists(path)) {
            return new File(null, null);
        }
        try {
            File f = YAML.readValue(path.toFile(), File.class);
            return f == null ? new File(null, null) : f;
        } catch (IOException e) {
            throw new ApiException(0, "cannot read the config file " + path + ": " + e.getMessage());
        }
    }

    public static void write(Path path, File file) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".config", ".yml");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's permissions are all there is
            }
            YAML.writeValue(tmp.toFile(), file);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ApiException(0, "cannot write the config file " + path + ": " + e.getMessage());
        }
    }
}
