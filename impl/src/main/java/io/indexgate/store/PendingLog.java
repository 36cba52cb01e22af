package io.indexgate.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * All the SQL of the pending-operation log, {@code pending_operations}: one row per change of a records table that
 * the saved index file may not hold yet (collection, operation, row id, the vector of an upsert, applied flag), and
 * the commit that forgets the rows a durable index holds (step 7 of the save protocol). An instance serves one
 * collection; appends join the caller's write transaction (with the records table's change, so that both are
 * durable together), the other writes are transactions of their own. Thread-safe; the collection serializes its
 * writes.
 */
final class PendingLog {

    private final Database database;
    private final long collectionId;

    PendingLog(Database database, long collectionId) {
        this.database = database;
        this.collectionId = collectionId;
    }

    /** The log's schema; idempotent. Deleting a collection's row deletes its log rows (a cascade). */
    static List<String> createStatements() {
        return List.of("CREATE TABLE IF NOT EXISTS pending_operations ("
                        + "id INTEGER PRIMARY KEY AUTOINCREMENT, "
                        + "collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE, "
                        + "operation TEXT NOT NULL CHECK (operation IN ('upsert', 'delete')), "
                        + "row_id INTEGER NOT NULL, "
                        + "vector BLOB, "
                        + "applied INTEGER NOT NULL DEFAULT 0 CHECK (applied IN (0, 1)))",
                "CREATE INDEX IF NOT EXISTS pending_operations_by_collection "
                        + "ON pending_operations (collection_id, id)");
    }

    /** Appends rows inside the caller's write transaction. Not thread-safe; close it with the work. */
    final class Appender implements AutoCloseable {

        private final Connection connection;
        private final PreparedStatement insert;

        private Appender(Connection connection) throws SQLException {
            this.connection = connection;
            this.insert = connection.prepareStatement("INSERT INTO pending_operations (collection_id, operation, "
                    + "row_id, vector, applied) VALUES (?, ?, ?, ?, 0)");
        }

        /** Logs the upsert of row {@code rowId} with {@code vector}. */
        PendingOperation upsert(long rowId, float[] vector) throws SQLException {
            return append(true, rowId, vector);
        }

        /** Logs the delete of row {@code rowId}. */
        PendingOperation delete(long rowId) throws SQLException {
            return append(false, rowId, null);
        }

        private PendingOperation append(boolean upsert, long rowId, float[] vector) throws SQLException {
            insert.setLong(1, collectionId);
            insert.setString(2, upsert ? PendingOperation.UPSERT : PendingOperation.DELETE);
            insert.setLong(3, rowId);
            insert.setBytes(4, vector == null ? null : RecordsTable.encodeVector(vector));
            insert.executeUpdate();
            return new PendingOperation(Database.lastInsertRowId(connection), upsert, rowId, vector);
        }

        @Override
        public void close() throws SQLException {
            insert.close();
        }
    }

    /** An appender for one write transaction on {@code connection}. */
    Appender appender(Connection connection) throws SQLException {
        return new Appender(connection);
    }

    /** Every row of this collection's log, in log order. */
    List<PendingOperation> readAll() throws SQLException {
        return database.read(connection -> {
            List<PendingOperation> pending = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id, operation, row_id, vector "
                    + "FROM pending_operations WHERE collection_id = ? ORDER BY id")) {
                select.setLong(1, collectionId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        boolean upsert = PendingOperation.UPSERT.equals(rows.getString(2));
                        byte[] vector = rows.getBytes(4);
                        pending.add(new PendingOperation(rows.getLong(1), upsert, rows.getLong(3),
                                upsert ? RecordsTable.decodeVector(vector) : null));
                    }
                }
            }
            return pending;
        });
    }

    /** Marks a contiguous run of this collection's operations (in log order, not empty) as applied to the engine. */
    @io.indexgate.persist.FaultPoint("an applied mark that fails after its change committed")
    void markApplied(List<PendingOperation> operations) throws SQLException {
        long first = operations.get(0).id();
        long last = operations.get(operations.size() - 1).id();
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE pending_operations SET applied = 1 "
                    + "WHERE collection_id = ? AND id BETWEEN ? AND ?")) {
                update.setLong(1, collectionId);
                update.setLong(2, first);
                update.setLong(3, last);
                return update.executeUpdate();
            }
        });
    }

    /**
     * Step 7 of the save protocol, to be called only once the index file is durable: in one transaction, forgets the
     * operations up to {@code appliedUpTo} (the saved engine held every one of them, whatever their applied flags
     * say) and sets the collection's {@code index_saved}.
     */
    @io.indexgate.persist.FaultPoint("a halt between a durable index file and its SQLite commit; the crash-point tracer's commit")
    void commitSave(long appliedUpTo) throws SQLException {
        database.write(connection -> {
            try (PreparedStatement forget = connection.prepareStatement("DELETE FROM pending_operations "
                    + "WHERE collection_id = ? AND id <= ?");
                 PreparedStatement saved = connection.prepareStatement(
                         "UPDATE collections SET index_saved = 1 WHERE id = ?")) {
                forget.setLong(1, collectionId);
                forget.setLong(2, appliedUpTo);
                forget.executeUpdate();
                saved.setLong(1, collectionId);
                return saved.executeUpdate();
            }
        });
    }

    /** The number of rows in this collection's log. */
    long count(Connection connection) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT count(*) FROM pending_operations WHERE collection_id = ?")) {
            count.setLong(1, collectionId);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The number of rows in this collection's log, read on its own. */
    long count() throws SQLException {
        return database.read(this::count);
    }

    /** Every collection's log, in log order, each row named by its collection. */
    static List<PendingOperationInfo> readAllCollections(Connection connection) throws SQLException {
        List<PendingOperationInfo> operations = new ArrayList<>();
        try (Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery("SELECT p.id, c.namespace, c.name, p.operation, p.row_id, "
                     + "p.applied FROM pending_operations p JOIN collections c ON c.id = p.collection_id "
                     + "ORDER BY p.id")) {
            while (rows.next()) {
                operations.add(new PendingOperationInfo(rows.getString(2), rows.getString(3), rows.getLong(1),
                        PendingOperation.UPSERT.equals(rows.getString(4)) ? PendingOperationInfo.Kind.UPSERT
                                : PendingOperationInfo.Kind.DELETE,
                        rows.getLong(5), rows.getInt(6) == 1));
            }
        }
        return operations;
    }
}
