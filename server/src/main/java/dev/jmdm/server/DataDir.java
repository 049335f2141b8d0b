package dev.jmdm.server;

import dev.jmdm.server.config.SettingsException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/** MDM_DATA_DIR checked before the embedded store opens in it, so a bad folder is said plainly, not as a database error. */
final class DataDir {
    private DataDir() {
    }

    static void requireWritable(Path dir) {
        Path abs = dir.toAbsolutePath();
        try {
            Files.createDirectories(abs);
        } catch (FileAlreadyExistsException e) {
            throw new SettingsException("MDM_DATA_DIR: " + abs + " exists and is not a folder");
        } catch (IOException e) {
            throw new SettingsException("MDM_DATA_DIR: cannot create " + abs + ": " + (e.getMessage() == null ? e : e.getMessage()));
        }
        if (!Files.isWritable(abs)) {
            throw new SettingsException("MDM_DATA_DIR: " + abs + " is not writable by this user");
        }
    }
}
