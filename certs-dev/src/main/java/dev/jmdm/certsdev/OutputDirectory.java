package dev.jmdm.certsdev;

import dev.jmdm.certsdev.FileOutcome.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The files of one run: which existing ones to keep, which to write. Nothing touches the disk until
 * {@link #commit()}, so a run that finds a problem halfway leaves the directory as it was.
 */
final class OutputDirectory {
    static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private record Entry(Path path, Outcome outcome, String description, byte[] content, boolean secret) {
    }

    private final boolean force;
    private final List<Entry> entries = new ArrayList<>();

    OutputDirectory(boolean force) {
        this.force = force;
    }

    /** Whether the run should keep this file: it exists and the caller did not force replacement. */
    boolean keeps(Path file) {
        return !force && Files.exists(file);
    }

    void keep(Path file, String description) {
        entries.add(new Entry(file, Outcome.KEPT, description, null, false));
    }

    /** A file readable by anyone (certificates). */
    void writePublic(Path file, String content, String description) {
        write(file, content.getBytes(StandardCharsets.US_ASCII), false, description);
    }

    /** A file only its owner may read (keys, PKCS#12 files, passwords). */
    void writeSecret(Path file, byte[] content, String description) {
        write(file, content, true, description);
    }

    private void write(Path file, byte[] content, boolean secret, String description) {
        if (!force && Files.exists(file)) {
            throw new IllegalStateException("refusing to overwrite " + file + " without force");
        }
        entries.add(new Entry(file, Files.exists(file) ? Outcome.REPLACED : Outcome.CREATED, description,
                content.clone(), secret));
    }

    /** Writes every pending file and reports on every file, in the order they were named. */
    List<FileOutcome> commit() throws IOException {
        List<FileOutcome> outcomes = new ArrayList<>();
        for (Entry e : entries) {
            if (e.content() != null) {
                writeAtomically(e.path(), e.content(), e.secret() ? SECRET : PUBLIC);
            }
            outcomes.add(new FileOutcome(e.path(), e.outcome(), e.description()));
        }
        return outcomes;
    }

    /**
     * Writes through a temporary file in the same directory that has its final permissions before it holds a byte,
     * then renames it into place, so a reader never sees a half-written file or a key with loose permissions.
     */
    private static void writeAtomically(Path file, byte[] content, Set<PosixFilePermission> permissions)
            throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", attributes);
        try {
            if (posix) {
                // The creation mode went through the umask; make it exact.
                Files.setPosixFilePermissions(tmp, permissions);
            }
            Files.write(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
