package io.indexgate.harness.sut;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the gate needs from a store under test, and all it assumes: the checker's rules are stated against this
 * interface, not against the reference. The harness's workload (in a child process the harness crashes, kills and
 * cuts the power of) opens one instance per process on a data directory, runs seeded upserts, deletes, queries and
 * saves through it, and reports what it recovered. The reference store is one implementation
 * ({@link ReferenceStore}, the default); a user plugs in their own with {@code indexgate run --sut <class>
 * --sut-classpath <jars>} (a public class with a public no-argument constructor), or any program in any language with
 * {@code --sut-command} ({@link CommandStore}, which speaks the JSON-lines protocol specified in the README).
 *
 * <p>The store holds one collection of vectors with {@code dimensions} components under cosine similarity, keyed by
 * UUID. A call that returns has happened and, for upsert and delete, is durable (acknowledged); a call that throws may
 * or may not have happened. Instances are used from one thread.
 */
public interface SystemUnderTest {

    /** What {@link #open} is given. */
    record OpenSpec(Path dataDirectory, int dimensions, String engine, Path indexDirectory) {
    }

    /**
     * Opens, that is recovers, the store in {@code spec.dataDirectory()} (created if new). {@code engine} names the
     * reference's engine and {@code indexDirectory} where the reference keeps its index files (on the harness's
     * in-process power-loss simulation under {@code --power-loss-scope index}); other stores may ignore both.
     *
     * @throws Exception if the store does not open: a restart that fails (checker rule 1), unless the store must
     *                   refuse, for example a damaged index file (rule 7); see {@link #isOwnerRefusal}
     */
    void open(OpenSpec spec) throws Exception;

    /** Whether a failure of {@link #open} is the refusal of a data directory another process owns (rule 6). */
    default boolean isOwnerRefusal(Exception failure) {
        return false;
    }

    /**
     * Whether a failure of {@link #open} is the refusal of a persisted index that is missing, damaged or unreadable
     * (the reference's {@code IndexLoadError}): the one right answer after damage at rest (rule 7).
     */
    default boolean isIndexRefusal(Exception failure) {
        return false;
    }

    /**
     * The persisted index as it is on disk, read apart from any open store (called before and after {@link #open},
     * and when the open failed): {@link io.indexgate.harness.history.RecoveryReport#ABSENT}, {@code unreadable: <why>},
     * or the fingerprint of its contents, which must equal {@link #liveFingerprint()} of the state a save wrote
     * (rule 2: the index is the last completed save or one in flight). Any function of the contents serves, the
     * same one in both methods.
     */
    String persistedFingerprint(OpenSpec spec);

    /** The fingerprint of the open store's live index contents, as {@link #persistedFingerprint} would read it. */
    String liveFingerprint() throws Exception;

    /** The store's own temp files found in the data directory (rule 5); none if it makes none. */
    default List<String> staleTemps(OpenSpec spec) {
        return List.of();
    }

    /** Every record of the open store: its durable records (rule 3). */
    Map<UUID, float[]> records() throws Exception;

    /**
     * How the open store's index compares with its records (rules 3 and 4): the records a query with their own
     * vector does not find, and every other difference, one line each. {@link Consistency#of} computes it from the
     * index's contents and the store's queries.
     */
    Consistency consistency() throws Exception;

    /** Upserts {@code vectors.get(i)} under {@code uuids.get(i)}, as one batch. */
    void upsert(List<UUID> uuids, List<float[]> vectors) throws Exception;

    void delete(Collection<UUID> uuids) throws Exception;

    /** The ids of the {@code k} nearest records to {@code vector}, nearest first. */
    List<UUID> query(float[] vector, int k) throws Exception;

    /** Persists the index now (the workload saves every few operations). */
    void save() throws Exception;

    /** The clean shutdown (saves what is unsaved, if the store does that). */
    void close() throws Exception;

    /** Releases the store without saving, as a crash would (after a failed open too; never throws). */
    void abandon();
}
