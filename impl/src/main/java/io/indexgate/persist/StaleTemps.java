package io.indexgate.persist;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds and deletes the temp files that an interrupted save of a target left behind. Only files named exactly like
 * {@link AtomicIndexWriter}'s temps for that target ({@code <target>.<16 hex>.tmp}) are touched; anything else in the
 * directory is left alone. Thread-safe; callers must not run it while a save of the same target is in flight.
 */
public final class StaleTemps {

    private StaleTemps() {
    }

    /** The stale temps of {@code target}, in no particular order; empty if its directory does not exist. */
    public static List<Path> find(Path target) throws IOException {
        Path directory = AtomicIndexWriter.parentOf(target);
        Pattern pattern = Pattern.compile(AtomicIndexWriter.tempNameRegex(target));
        List<Path> temps = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (pattern.matcher(entry.getFileName().toString()).matches()) {
                    temps.add(entry);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return temps;
    }

    /**
     * Deletes the stale temps of {@code target}.
     *
     * @return how many were deleted
     * @throws IOException naming the temp that could not be deleted
     */
    @FaultPoint("the caller that rules name for a halt while clearing stale temps")
    public static int clear(Path target) throws IOException {
        List<Path> temps = find(target);
        for (Path temp : temps) {
            try {
                AtomicIndexWriter.deleteTemp(temp);
            } catch (IOException e) {
                throw new IOException("could not delete stale temp " + temp + " of index " + target, e);
            }
        }
        return temps.size();
    }
}
