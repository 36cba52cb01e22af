package io.indexgate.testing;

import com.google.common.jimfs.Configuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;

/** An in-memory Unix file system with a working directory, for {@code Path}-based unit tests. */
public final class Jimfs {

    private Jimfs() {
    }

    /** A fresh file system and a directory {@code /work/indexes} in it. */
    public static Path newIndexDirectory() {
        FileSystem fileSystem = com.google.common.jimfs.Jimfs.newFileSystem(Configuration.unix());
        try {
            return Files.createDirectories(fileSystem.getPath("/work/indexes"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
