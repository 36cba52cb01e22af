package io.indexgate.harness.powerloss;

import com.fasterxml.jackson.core.type.TypeReference;
import io.indexgate.harness.history.Histories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * What survives a simulated power cut, kept on the real disk: the last forced bytes of each file (by inode) and the
 * last forced listing of each directory (name to inode, {@value #DIRECTORY} for a subdirectory). The root always
 * exists; any other directory exists after a cut only if its parent's durable listing names it. Each update replaces one real file by an atomic rename, so a
 * process killed in the middle of an update never leaves the simulation's own state torn. Not thread-safe: the
 * {@link DurabilityTracker} serializes access.
 */
final class DurableState {

    private static final TypeReference<TreeMap<String, TreeMap<String, Long>>> LISTINGS = new TypeReference<>() {
    };

    private final Path root;
    private final Path listingsFile;
    private TreeMap<String, TreeMap<String, Long>> listings;

    DurableState(Path root) throws IOException {
        this.root = root;
        this.listingsFile = root.resolve("directories.json");
        Files.createDirectories(root.resolve("inodes"));
        listings = Files.exists(listingsFile) ? Histories.json().readValue(listingsFile.toFile(), LISTINGS)
                : new TreeMap<>();
    }

    /** Directory path to (name to inode), as last forced. */
    Map<String, TreeMap<String, Long>> listings() {
        return listings;
    }

    /** The forced bytes of an inode, or null if it was never forced. */
    byte[] content(long inode) throws IOException {
        Path file = inodeFile(inode);
        return Files.exists(file) ? Files.readAllBytes(file) : null;
    }

    void forceContent(long inode, byte[] bytes) throws IOException {
        replace(inodeFile(inode), bytes);
    }

    void forceListing(String directory, TreeMap<String, Long> entries) throws IOException {
        TreeMap<String, TreeMap<String, Long>> updated = new TreeMap<>(listings);
        updated.put(directory, entries);
        replace(listingsFile, Histories.json().writeValueAsBytes(updated));
        listings = updated;
    }

    /** Replaces every durable listing at once (installing a crash state). */
    void replaceListings(TreeMap<String, TreeMap<String, Long>> updated) throws IOException {
        replace(listingsFile, Histories.json().writeValueAsBytes(updated));
        listings = updated;
    }

    /** A copy of the listings that the caller may change. */
    TreeMap<String, TreeMap<String, Long>> copyOfListings() {
        TreeMap<String, TreeMap<String, Long>> copy = new TreeMap<>();
        listings.forEach((directory, entries) -> copy.put(directory, new TreeMap<>(entries)));
        return copy;
    }

    /** The inode a listing gives a subdirectory: a directory's entry in its parent, not a file's content. */
    static final long DIRECTORY = -1;

    private Path inodeFile(long inode) {
        return root.resolve("inodes").resolve(Long.toHexString(inode));
    }

    private static void replace(Path file, byte[] bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".next");
        Files.write(temp, bytes);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
