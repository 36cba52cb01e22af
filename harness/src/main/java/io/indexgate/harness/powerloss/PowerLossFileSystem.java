package io.indexgate.harness.powerloss;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A file system on which only forced state survives a power cut (the pessimistic model of Lucene's
 * {@code MockDirectoryWrapper.crash()} and Jepsen's LazyFS): file data becomes durable when the file is forced, a
 * directory entry (create, rename, delete) when its directory is forced. The volatile view (the page cache) is jimfs;
 * the durable state lives in a real directory. {@link #open} rebuilds the view from the durable state alone, which is
 * what a machine sees after a power cut: a process that dies (halt, SIGKILL) and a new one that opens the same durable
 * directory is the simulated cut.
 *
 * <p>Directories are tracked like files: a new directory's entry in its parent is durable only once the parent is
 * forced. That is {@link PowerLossModel#PESSIMISTIC}: unforced operations never survive. Under
 * {@link PowerLossModel#REORDER} the unforced operations are journaled too ({@link PendingJournal}), and
 * {@link CrashStates} enumerates which of them a reordering file system may have persisted. Only
 * {@code java.nio.file} is simulated; {@code toFile()} and memory mapping fail.
 */
public final class PowerLossFileSystem extends FileSystem {

    private final PowerLossFileSystemProvider provider;
    private final FileSystem volatileView;
    private final DurabilityTracker tracker;

    private PowerLossFileSystem(FileSystem volatileView, DurabilityTracker tracker) {
        this.volatileView = volatileView;
        this.tracker = tracker;
        this.provider = new PowerLossFileSystemProvider(this);
    }

    /**
     * Opens the durable state in {@code durableDirectory} (created if new) as it survived the last cut, in the
     * pessimistic model: nothing is journaled, and a journal a previous process left is kept as it is.
     */
    public static PowerLossFileSystem open(Path durableDirectory) throws IOException {
        return open(durableDirectory, PowerLossModel.PESSIMISTIC);
    }

    /**
     * Opens the durable state in {@code durableDirectory} (created if new) as it survived the last cut. Under
     * {@link PowerLossModel#REORDER} this process's unforced operations are journaled beside it, replacing the
     * journal a previous process left: explore and settle that one first ({@link CrashStates}).
     */
    public static PowerLossFileSystem open(Path durableDirectory, PowerLossModel model) throws IOException {
        if (!model.simulated()) {
            throw new IllegalArgumentException("the power-loss file system needs a simulated model, not " + model);
        }
        DurableState durable = new DurableState(durableDirectory);
        FileSystem view = Jimfs.newFileSystem(Configuration.unix());
        DurabilityTracker tracker = new DurabilityTracker(durable,
                model == PowerLossModel.REORDER ? new PendingJournal(durableDirectory) : null);
        restore(durable, tracker, view.getPath("/"));
        return new PowerLossFileSystem(view, tracker);
    }

    /**
     * Rebuilds {@code directory} (which exists) from its durable listing: its files with their forced bytes (empty if
     * never forced), its subdirectories recursively. A directory whose entry was never forced in its parent is not
     * reached, whatever its own listing says.
     */
    private static void restore(DurableState durable, DurabilityTracker tracker, Path directory) throws IOException {
        TreeMap<String, Long> listing = durable.listings().get(directory.toString());
        if (listing == null) {
            return;
        }
        for (Map.Entry<String, Long> entry : listing.entrySet()) {
            Path child = directory.resolve(entry.getKey());
            if (entry.getValue() == DurableState.DIRECTORY) {
                Files.createDirectory(child);
                tracker.directoryRestored(child);
                restore(durable, tracker, child);
            } else {
                byte[] content = durable.content(entry.getValue());
                Files.write(child, content == null ? new byte[0] : content);
                tracker.restored(child, entry.getValue());
            }
        }
    }

    FileSystem volatileView() {
        return volatileView;
    }

    DurabilityTracker tracker() {
        return tracker;
    }

    @Override
    public PowerLossFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        volatileView.close();
    }

    @Override
    public boolean isOpen() {
        return volatileView.isOpen();
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return volatileView.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> roots = new ArrayList<>();
        volatileView.getRootDirectories().forEach(root -> roots.add(new PowerLossPath(this, root)));
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return volatileView.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return volatileView.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return new PowerLossPath(this, volatileView.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher matcher = volatileView.getPathMatcher(syntaxAndPattern);
        return path -> matcher.matches(PowerLossPath.unwrap(path));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return volatileView.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("watching is not simulated");
    }
}
