package com.example.toystore;

import io.indexgate.harness.sut.Consistency;
import io.indexgate.harness.sut.SystemUnderTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * A small vector store that is not indexgate's, gated through {@code indexgate run --sut}: its whole state is one
 * file of (id, vector) entries with a CRC32C, rewritten before every write is acknowledged; search is exact. How the
 * file is rewritten is up to the subclass: in place (the classic bug, {@link InPlaceToyStore}) or by the atomic swap
 * ({@link AtomicToyStore}). Not thread-safe (the harness uses it from one thread).
 */
public abstract class ToyStore implements SystemUnderTest {

    static final String FILE = "toy.vectors";
    private static final int MAGIC = 0x546f7931;

    private final TreeMap<UUID, float[]> vectors = new TreeMap<>();
    private Path file;
    private int dimensions;
    private FileChannel lockChannel;
    private FileLock lock;

    /** Replaces the file's content with {@code bytes}, durably, before returning. */
    protected abstract void write(Path file, byte[] bytes) throws IOException;

    @Override
    public void open(OpenSpec spec) throws IOException {
        Files.createDirectories(spec.dataDirectory());
        dimensions = spec.dimensions();
        file = spec.dataDirectory().resolve(FILE);
        lockChannel = FileChannel.open(spec.dataDirectory().resolve("toy.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new OwnerRefusal("another process holds " + spec.dataDirectory());
        }
        if (Files.exists(file)) {
            vectors.putAll(decode(Files.readAllBytes(file), dimensions));
        }
    }

    /** A second opener of a directory another process holds. */
    static final class OwnerRefusal extends IOException {
        OwnerRefusal(String message) {
            super(message);
        }
    }

    @Override
    public boolean isOwnerRefusal(Exception failure) {
        return failure instanceof OwnerRefusal;
    }

    /** Every write goes into the file: it is not a save's, and rule 2 does not apply ("untracked"). */
    @Override
    public String persistedFingerprint(OpenSpec spec) {
        return io.indexgate.harness.history.RecoveryReport.UNTRACKED;
    }

    @Override
    public String liveFingerprint() {
        return fingerprint(vectors);
    }

    @Override
    public Map<UUID, float[]> records() {
        return new TreeMap<>(vectors);
    }

    @Override
    public Consistency consistency() throws Exception {
        return Consistency.of(vectors, vectors, this::query);
    }

    @Override
    public void upsert(List<UUID> uuids, List<float[]> batch) throws IOException {
        TreeMap<UUID, float[]> next = new TreeMap<>(vectors);
        for (int i = 0; i < uuids.size(); i++) {
            if (batch.get(i).length != dimensions) {
                throw new IllegalArgumentException("a vector of " + batch.get(i).length + " components");
            }
            next.put(uuids.get(i), batch.get(i).clone());
        }
        persist(next);
    }

    @Override
    public void delete(Collection<UUID> uuids) throws IOException {
        TreeMap<UUID, float[]> next = new TreeMap<>(vectors);
        uuids.forEach(next::remove);
        persist(next);
    }

    private void persist(TreeMap<UUID, float[]> next) throws IOException {
        write(file, encode(next));
        vectors.clear();
        vectors.putAll(next);
    }

    @Override
    public List<UUID> query(float[] vector, int k) {
        List<Map.Entry<UUID, float[]>> entries = new ArrayList<>(vectors.entrySet());
        entries.sort(Comparator.comparingDouble(entry -> -cosine(vector, entry.getValue())));
        return entries.stream().limit(k).map(Map.Entry::getKey).toList();
    }

    @Override
    public void save() throws IOException {
        persist(new TreeMap<>(vectors));
    }

    @Override
    public void close() throws IOException {
        lock.release();
        lockChannel.close();
    }

    @Override
    public void abandon() {
        try {
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // a crash leaves nothing to tidy
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static byte[] encode(TreeMap<UUID, float[]> vectors) {
        int dimensions = vectors.isEmpty() ? 0 : vectors.firstEntry().getValue().length;
        ByteBuffer bytes = ByteBuffer.allocate(12 + vectors.size() * (16 + 4 * dimensions) + 4);
        bytes.putInt(MAGIC).putInt(vectors.size()).putInt(dimensions);
        vectors.forEach((uuid, vector) -> {
            bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            for (float component : vector) {
                bytes.putFloat(component);
            }
        });
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, bytes.position());
        bytes.putInt((int) crc.getValue());
        return bytes.array();
    }

    static TreeMap<UUID, float[]> decode(byte[] content, int dimensions) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(content);
        if (content.length < 16 || bytes.getInt() != MAGIC) {
            throw new IOException("not a toy vector file (" + content.length + " bytes)");
        }
        int count = bytes.getInt();
        int stored = bytes.getInt();
        if (count < 0 || (count > 0 && stored != dimensions)
                || content.length != 12 + (long) count * (16 + 4 * stored) + 4) {
            throw new IOException("a torn or foreign toy vector file (" + content.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(content, 0, content.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(content, content.length - 4, 4).getInt()) {
            throw new IOException("the toy vector file fails its checksum");
        }
        TreeMap<UUID, float[]> vectors = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            UUID uuid = new UUID(bytes.getLong(), bytes.getLong());
            float[] vector = new float[stored];
            for (int j = 0; j < stored; j++) {
                vector[j] = bytes.getFloat();
            }
            vectors.put(uuid, vector);
        }
        return vectors;
    }

    private static String fingerprint(Map<UUID, float[]> vectors) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(encode(new TreeMap<>(vectors)));
            return vectors.size() + ":" + HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
