package io.indexgate.harness.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removal of the directories the harness makes for its runs, its tracer and its training child. */
public final class TempFiles {

    private TempFiles() {
    }

    /**
     * Deletes a directory and everything under it; a directory that is already gone is fine.
     *
     * @throws IOException naming the entry that could not be deleted
     */
    public static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> entries = Files.walk(directory)) {
            for (Path entry : entries.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(entry);
                } catch (IOException e) {
                    throw new IOException("cannot delete " + entry + ": " + e.getMessage(), e);
                }
            }
        } catch (NoSuchFileException e) {
            // already gone
        }
    }
}
