package io.indexgate.harness.cli;

import io.indexgate.persist.StaleTemps;
import io.indexgate.store.CollectionStatus;
import io.indexgate.store.ConsistencyReport;
import io.indexgate.store.IndexLoadError;
import io.indexgate.store.SQLiteVectorStore;
import io.indexgate.store.StoreOptions;
import io.indexgate.store.VectorCollection;
import io.indexgate.store.VectorStoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code indexgate inspect}: opens a data directory read-only (changing nothing in it, even while another process
 * owns it), shows what recovery would produce, and compares every collection's engine with its SQLite records.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, showDefaultValues = true,
        footerHeading = "%nExamples:%n",
        footer = {"  indexgate inspect --data-dir /srv/memory", "  indexgate inspect --data-dir /srv/memory --show 20"},
        description = {"Inspect a data directory read-only: collections, counts, index files, stale temps, and the "
                + "engine compared with SQLite (missing, extra or differing vectors, and records that a query with "
                + "their own vector does not find). Nothing in the directory is created, changed or deleted; the "
                + "pending-operation log is replayed in memory only.",
                "Exit codes: 0 consistent; 1 the engine and SQLite disagree; 2 usage error or no store there; "
                        + "3 an index could not be loaded (wins over 1)."})
final class InspectCommand implements Callable<Integer> {

    @Option(names = "--data-dir", required = true, description = "the store's data directory")
    Path dataDir;

    @Option(names = "--show", defaultValue = "5", description = "ids shown per kind of difference (default: 5)")
    int show;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        if (!Files.isRegularFile(dataDir.resolve("store.db"))) {
            System.err.println("indexgate: " + dataDir + " holds no store (no store.db)");
            return IndexgateCli.HARNESS_FAILURE;
        }
        int status = IndexgateCli.VALID;
        try (SQLiteVectorStore store = SQLiteVectorStore.openReadOnly(dataDir, StoreOptions.defaults())) {
            store.ownerAtOpen().ifPresent(owner -> out.println("in use by " + owner
                    + "; inspecting a read-only snapshot (the owner's later writes are not shown)"));
            for (SQLiteVectorStore.CollectionInfo info : store.listCollections()) {
                String file = Files.exists(info.indexPath()) ? Files.size(info.indexPath()) + " bytes" : "absent";
                out.printf("%s/%s  engine %s, %d dims, %s%n  index file %s (%s), index_saved %s, stale temps %d%n",
                        info.namespace(), info.name(), info.config().engine(), info.config().dimensions(),
                        info.config().metric().id(), info.indexPath(), file, info.indexSaved(),
                        StaleTemps.find(info.indexPath()).size());
                VectorCollection collection;
                try {
                    collection = store.openCollection(info.namespace(), info.name());
                } catch (IndexLoadError e) {
                    out.println("  CANNOT LOAD: " + e.getMessage());
                    status = IndexgateCli.UNLOADABLE;
                    continue;
                }
                CollectionStatus loaded = collection.status();
                out.printf("  recovered: %d records, %d pending operations replayed in memory, %d vectors in the "
                        + "engine%n", loaded.records(), loaded.pendingOperations(), loaded.engineSize());
                ConsistencyReport consistency = collection.checkConsistency();
                if (consistency.consistent()) {
                    out.println("  consistent: every record is in the engine with its vector and found by a query "
                            + "with it; the engine holds nothing else");
                } else {
                    out.println("  INCONSISTENT:");
                    consistency.describe(show).forEach(line -> out.println("    " + line));
                    status = status == IndexgateCli.UNLOADABLE ? status : IndexgateCli.VIOLATION;
                }
            }
        } catch (VectorStoreException e) {
            System.err.println("indexgate: " + e.getMessage());
            return IndexgateCli.HARNESS_FAILURE;
        }
        return status;
    }
}
