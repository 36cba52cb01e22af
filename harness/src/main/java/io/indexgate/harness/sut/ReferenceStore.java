package io.indexgate.harness.sut;

import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.Engines;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.engine.VectorSearchEngine;
import io.indexgate.harness.history.RecoveryReport;
import io.indexgate.harness.workload.Fingerprints;
import io.indexgate.persist.StaleTemps;
import io.indexgate.store.CollectionConfig;
import io.indexgate.store.ConsistencyReport;
import io.indexgate.store.DataDirectoryInUseException;
import io.indexgate.store.IndexLoadError;
import io.indexgate.store.SQLiteVectorStore;
import io.indexgate.store.StoreOptions;
import io.indexgate.store.StoredRecord;
import io.indexgate.store.VectorCollection;
import io.indexgate.store.VectorQuery;
import io.indexgate.store.VectorRecord;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The reference store under test: {@link SQLiteVectorStore} with one collection ({@value #NAMESPACE}/{@value
 * #COLLECTION}) of the chosen engine, saves driven by the workload (the save threshold never fires). Its fingerprints
 * are of the engine's keys and vectors ({@link Fingerprints#contents}), its consistency the store's own check
 * (engine keys are row ids, so it can name an engine key that no record has).
 */
public final class ReferenceStore implements SystemUnderTest {

    public static final String NAMESPACE = "harness";
    public static final String COLLECTION = "docs";
    /** Saves are driven by the workload itself (so each one can be announced); the threshold never fires. */
    static final int SAVE_THRESHOLD = 1 << 30;

    private SQLiteVectorStore store;
    private VectorCollection collection;

    /** The collection's configuration for {@code spec}. */
    static CollectionConfig config(OpenSpec spec) {
        return CollectionConfig.of(spec.dimensions(), SimilarityMetric.COSINE, spec.engine());
    }

    /** The collection's index file. */
    public static Path indexPath(OpenSpec spec) {
        return spec.indexDirectory().resolve(SQLiteVectorStore.indexFileName(NAMESPACE, COLLECTION, spec.engine()));
    }

    @Override
    public void open(OpenSpec spec) {
        store = SQLiteVectorStore.open(spec.dataDirectory(), new StoreOptions(SAVE_THRESHOLD, spec.indexDirectory()));
        collection = store.openOrCreateCollection(NAMESPACE, COLLECTION, config(spec));
    }

    @Override
    public boolean isOwnerRefusal(Exception failure) {
        return failure instanceof DataDirectoryInUseException;
    }

    @Override
    public boolean isIndexRefusal(Exception failure) {
        return failure instanceof IndexLoadError;
    }

    @Override
    public String persistedFingerprint(OpenSpec spec) {
        Path indexPath = indexPath(spec);
        if (!Files.exists(indexPath)) {
            return RecoveryReport.ABSENT;
        }
        CollectionConfig config = config(spec);
        try (VectorSearchEngine reader = Engines.create(spec.engine(),
                EngineOptions.of(config.dimensions(), config.metric()))) {
            reader.load(indexPath);
            return Fingerprints.contents(reader);
        } catch (NoSuchFileException e) {
            return RecoveryReport.ABSENT;
        } catch (Exception e) {
            return RecoveryReport.UNREADABLE + ": " + e;
        }
    }

    @Override
    public String liveFingerprint() {
        return Fingerprints.contents(collection.inspect());
    }

    @Override
    public List<String> staleTemps(OpenSpec spec) {
        try {
            return StaleTemps.find(indexPath(spec)).stream().map(path -> path.getFileName().toString()).sorted()
                    .toList();
        } catch (Exception e) {
            return List.of("cannot list: " + e);
        }
    }

    @Override
    public Map<UUID, float[]> records() {
        Map<UUID, float[]> records = new LinkedHashMap<>();
        for (StoredRecord row : collection.inspect().records()) {
            records.put(row.record().uuid(), row.record().vector());
        }
        return records;
    }

    @Override
    public Consistency consistency() {
        ConsistencyReport report = collection.checkConsistency();
        return new Consistency(report.unreachable(), report.contentDifferences(10));
    }

    @Override
    public void upsert(List<UUID> uuids, List<float[]> vectors) {
        List<VectorRecord> rows = new ArrayList<>();
        for (int i = 0; i < uuids.size(); i++) {
            rows.add(VectorRecord.of(uuids.get(i), vectors.get(i)));
        }
        collection.upsert(rows);
    }

    @Override
    public void delete(Collection<UUID> uuids) {
        collection.delete(uuids);
    }

    @Override
    public List<UUID> query(float[] vector, int k) {
        return collection.query(VectorQuery.nearest(vector, k)).get(0).stream().map(match -> match.uuid()).toList();
    }

    @Override
    public void save() throws Exception {
        collection.saveIndex();
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public void abandon() {
        if (store != null) {
            store.abandon();
        }
    }
}
