/**
 * Index-file persistence: the durability contract that indexgate implements and proves. Every byte of every index
 * file passes through this package; engines never open index files themselves. Only {@code java.nio.file} is used on
 * the {@link java.nio.file.Path} given, so the same code runs on the default file system, on jimfs, and on the
 * power-loss simulation.
 *
 * <h2>Save ({@link io.indexgate.persist.PersistenceMode#ATOMIC}, the reference)</h2>
 * <ol>
 *   <li>Serialize the engine into an <em>envelope</em> ({@link io.indexgate.persist.IndexEnvelope}): a 64-byte
 *       {@link io.indexgate.persist.EnvelopeHeader} (magic, format version, engine id, metric, dimensions, entry
 *       count, payload length), the payload, and an 8-byte footer (CRC32C over header and payload, end magic).</li>
 *   <li>Create a sibling temp {@code <target>.<16 hex>.tmp} in the target's directory with {@code CREATE_NEW}.</li>
 *   <li>Write the envelope through a {@link java.nio.channels.FileChannel} in chunks of at most 1 MiB.</li>
 *   <li>{@code force(true)} the temp.</li>
 *   <li>{@code Files.move(temp, target, ATOMIC_MOVE)}; if the platform refuses an atomic move, the save fails: never
 *       a copy.</li>
 *   <li>Open the parent directory and {@code force(true)} it. Only now is the new index durable.</li>
 *   <li>Only after step 6 does the store commit in SQLite: delete the applied pending operations, set
 *       {@code index_saved = true} ({@code io.indexgate.store.VectorCollection}).</li>
 * </ol>
 * On a failure in steps 2 to 5 the temp is deleted (best effort) and the previous target is untouched; the
 * {@link io.indexgate.persist.IndexSaveException} names the path and the {@link io.indexgate.persist.SaveStep}. A
 * failure of step 6 leaves the new file in place but uncommitted, which the pending-operation log still covers.
 * {@link io.indexgate.persist.AtomicIndexWriter} implements steps 2 to 6, one method per step.
 *
 * <h2>Load</h2>
 * {@link io.indexgate.persist.IndexFileReader} deletes the stale temps of the target (only files of exactly its temp
 * pattern, {@link io.indexgate.persist.StaleTemps}), reads the target, and verifies magic, version, engine id, metric,
 * dimensions, length and CRC32C before any engine or native code sees a byte; a file that fails is a
 * {@link io.indexgate.persist.CorruptIndexException}. The store turns any load failure of a collection whose index
 * was saved, a missing file included, into an {@code IndexLoadError}: never a silent empty rebuild.
 *
 * <h2>What a crash may leave</h2>
 * <table>
 *   <caption>Crash points of a save and why the store is still right</caption>
 *   <tr><th>crash point</th><th>on disk after restart</th><th>why the store is right</th></tr>
 *   <tr><td>before step 5</td><td>old target (or none) and a stale temp</td>
 *       <td>the temp is cleared on load; the pending log replays everything since the old save</td></tr>
 *   <tr><td>between steps 5 and 7</td><td>new target</td>
 *       <td>the pending rows are not yet deleted; replay is idempotent</td></tr>
 *   <tr><td>after step 7</td><td>new target</td><td>nothing is pending</td></tr>
 * </table>
 * Power loss (only forced state survives) is stricter: without step 4 the rename can be durable before the data
 * (garbage under the target name: a permanent {@code IndexLoadError}); without step 6 the rename can be lost after
 * step 7 already deleted the pending rows (acknowledged writes lost). The test-only modes
 * {@link io.indexgate.persist.PersistenceMode#DIRECT}, {@link io.indexgate.persist.PersistenceMode#ATOMIC_NO_DIR_SYNC}
 * and {@link io.indexgate.persist.PersistenceMode#ATOMIC_NO_FILE_SYNC} exist so that the gate can show it catches
 * exactly these.
 */
package io.indexgate.persist;
