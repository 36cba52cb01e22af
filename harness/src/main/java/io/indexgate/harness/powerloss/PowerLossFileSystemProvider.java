package io.indexgate.harness.powerloss;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** The provider of one {@link PowerLossFileSystem}: jimfs does the work, the tracker watches creates, moves, deletes and forces. */
final class PowerLossFileSystemProvider extends FileSystemProvider {

    private final PowerLossFileSystem fileSystem;

    PowerLossFileSystemProvider(PowerLossFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    private FileSystemProvider jimfs() {
        return fileSystem.volatileView().provider();
    }

    private static Path real(Path path) {
        return PowerLossPath.unwrap(path);
    }

    @Override
    public String getScheme() {
        return "powerloss";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("use PowerLossFileSystem.open");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("use PowerLossFileSystem.open");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("use PowerLossFileSystem.getPath");
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
            throws IOException {
        Path real = real(path);
        if (Files.isDirectory(real)) {
            return new DirectoryChannel(real, fileSystem.tracker());
        }
        boolean existed = Files.exists(real);
        FileChannel channel = jimfs().newFileChannel(real, options, attributes);
        long inode;
        if (!existed) {
            inode = fileSystem.tracker().created(real);
        } else {
            inode = fileSystem.tracker().inodeOf(real);
            if (options.contains(java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)
                    && options.contains(java.nio.file.StandardOpenOption.WRITE)) {
                fileSystem.tracker().truncated(inode, 0);
            }
        }
        return new TrackingFileChannel(channel, inode, fileSystem.tracker());
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
                                              FileAttribute<?>... attributes) throws IOException {
        return newFileChannel(path, options, attributes);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path directory, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        DirectoryStream<Path> entries = jimfs().newDirectoryStream(real(directory),
                entry -> filter.accept(new PowerLossPath(fileSystem, entry)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> inner = entries.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return inner.hasNext();
                    }

                    @Override
                    public Path next() {
                        return new PowerLossPath(fileSystem, inner.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                entries.close();
            }
        };
    }

    @Override
    public void createDirectory(Path directory, FileAttribute<?>... attributes) throws IOException {
        jimfs().createDirectory(real(directory), attributes);
        fileSystem.tracker().directoryCreated(real(directory));
    }

    @Override
    public void delete(Path path) throws IOException {
        jimfs().delete(real(path));
        fileSystem.tracker().deleted(real(path));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) {
        throw new UnsupportedOperationException("copy is not simulated (indexgate never copies an index)");
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        Path from = real(source).toAbsolutePath();
        Path to = real(target).toAbsolutePath();
        if (!java.util.Objects.equals(from.getParent(), to.getParent())) {
            // A rename across directories is durable in two listings; the model keeps one per force. indexgate only
            // renames within a directory, so this is refused rather than simulated wrongly.
            throw new IOException("renames across directories are not simulated: " + source + " -> " + target);
        }
        jimfs().move(real(source), real(target), options);
        fileSystem.tracker().moved(real(source), real(target));
    }

    @Override
    public boolean isSameFile(Path path, Path other) throws IOException {
        return jimfs().isSameFile(real(path), real(other));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return jimfs().isHidden(real(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return jimfs().getFileStore(real(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        jimfs().checkAccess(real(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return jimfs().getFileAttributeView(real(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return jimfs().readAttributes(real(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        return jimfs().readAttributes(real(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        jimfs().setAttribute(real(path), attribute, value, options);
    }

    /**
     * A regular file's channel, bound to the file's inode (it follows a rename, as a POSIX descriptor does): forcing
     * it makes the file's current bytes durable; writes and truncations are reported to the tracker.
     */
    private static final class TrackingFileChannel extends FileChannel {
        private final FileChannel delegate;
        private final long inode;
        private final DurabilityTracker tracker;

        TrackingFileChannel(FileChannel delegate, long inode, DurabilityTracker tracker) {
            this.delegate = delegate;
            this.inode = inode;
            this.tracker = tracker;
        }

        private void wrote(long offset, ByteBuffer source, int before, int written) {
            if (written > 0) {
                byte[] data = new byte[written];
                source.duplicate().position(before).get(data);
                tracker.wrote(inode, offset, data);
            }
        }


        @Override
        public int read(ByteBuffer destination) throws IOException {
            return delegate.read(destination);
        }

        @Override
        public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
            return delegate.read(destinations, offset, length);
        }

        @Override
        public synchronized int write(ByteBuffer source) throws IOException {
            long offset = delegate.position();
            int before = source.position();
            int written = delegate.write(source);
            wrote(offset, source, before, written);
            return written;
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
            long written = 0;
            for (int i = offset; i < offset + length; i++) {
                while (sources[i].hasRemaining()) {
                    written += write(sources[i]);
                }
            }
            return written;
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public synchronized FileChannel truncate(long size) throws IOException {
            if (size < delegate.size()) {
                tracker.truncated(inode, size);
            }
            delegate.truncate(size);
            return this;
        }

        @Override
        public synchronized void force(boolean metaData) throws IOException {
            delegate.force(metaData);
            tracker.forceFile(inode);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel source, long position, long count) {
            throw new UnsupportedOperationException("transferFrom is not simulated (its writes would not be tracked)");
        }

        @Override
        public int read(ByteBuffer destination, long position) throws IOException {
            return delegate.read(destination, position);
        }

        @Override
        public synchronized int write(ByteBuffer source, long position) throws IOException {
            int before = source.position();
            int written = delegate.write(source, position);
            wrote(position, source, before, written);
            return written;
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException("memory mapping is not simulated");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }

    /** A directory opened for reading, as POSIX allows: forcing it makes its current listing durable. */
    private static final class DirectoryChannel extends FileChannel {
        private final Path directory;
        private final DurabilityTracker tracker;

        DirectoryChannel(Path directory, DurabilityTracker tracker) {
            this.directory = directory;
            this.tracker = tracker;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            tracker.forceDirectory(directory);
        }

        @Override
        public int read(ByteBuffer destination) throws IOException {
            throw new IOException("is a directory: " + directory);
        }

        @Override
        public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
            throw new IOException("is a directory: " + directory);
        }

        @Override
        public int write(ByteBuffer source) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public FileChannel position(long newPosition) {
            return this;
        }

        @Override
        public long size() {
            return 0;
        }

        @Override
        public FileChannel truncate(long size) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            throw new IOException("is a directory: " + directory);
        }

        @Override
        public long transferFrom(ReadableByteChannel source, long position, long count) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public int read(ByteBuffer destination, long position) throws IOException {
            throw new IOException("is a directory: " + directory);
        }

        @Override
        public int write(ByteBuffer source, long position) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new IOException("is a directory: " + directory);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            throw new IOException("is a directory: " + directory);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            throw new IOException("is a directory: " + directory);
        }

        @Override
        protected void implCloseChannel() {
        }
    }
}
