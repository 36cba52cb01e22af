/**
 * Index-file persistence: the durability contract that indexgate implements and proves. Every byte of every index
 * file passes through this package; engines never open index files themselves. Only {@code java.nio.file} is used on
 * the {@link java.nio.file.Path} given, so the same code runs on the default file system, on jimfs, and on the
 * power-loss simulation.
 *
 * <h2>Save (the atomic protocol, the only one the store and engines use)</h2>
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
 *       {@code index_saved = true} ({@code io.indexgate.store.PendingLog#commitSave}, called by
 *       {@code VectorCollection} after the engine's save returned).</li>
 * </ol>
 * On a failure in steps 2 to 5 the temp is deleted (best effort) and the previous target is untouched; the
 * {@link io.indexgate.persist.IndexSaveException} names the path and the {@link io.indexgate.persist.SaveStep}. A
 * failure of step 6 leaves the new file in place but uncommitted, which the pending-operation log still covers.
 * {@link io.indexgate.persist.AtomicIndexWriter} implements steps 2 to 6, one method per step.
 *
 * <h2>Load</h2>
 * The store's recovery first deletes the stale temps of the target (only files of exactly its temp pattern,
 * {@link io.indexgate.persist.StaleTemps}; a read-only open leaves them). Then
 * {@link io.indexgate.persist.IndexFileReader}, which is read only (it never creates, writes or deletes a file), reads
 * the target and verifies magic, version, engine id, metric, dimensions, length and CRC32C before any engine or
 * native code sees a byte, either into one buffer of the whole file ({@code read}, for native engines) or in a
 * streamed first pass that returns the open file for a second, re-checksummed pass of the decoder
 * ({@code openVerified} and {@link io.indexgate.persist.VerifiedStream}, for engines that decode in Java; the load is
 * refused unless both passes read the same bytes); a file that fails is a
 * {@link io.indexgate.persist.CorruptIndexException} (a format version
 * outside the supported range is its subclass {@link io.indexgate.persist.IndexFormatVersionException}). The store
 * turns any load failure of a collection whose index was saved, a missing file included, into an
 * {@code IndexLoadError}: never a silent empty rebuild.
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
 * step 7 already deleted the pending rows (acknowledged writes lost); a file system that reorders can persist the
 * rename before the data of a file forced only after it. The negative controls of {@code io.indexgate.testing}
 * ({@link io.indexgate.testing.PersistenceMode#DIRECT}, {@link io.indexgate.testing.PersistenceMode#ATOMIC_NO_DIR_SYNC},
 * {@link io.indexgate.testing.PersistenceMode#ATOMIC_NO_FILE_SYNC},
 * {@link io.indexgate.testing.PersistenceMode#ATOMIC_FORCE_AFTER_RENAME}) exist so that the gate can show it catches
 * exactly these; no option or property of the store selects them.
 *
 * <h2>Envelope format</h2>
 * The one description of an index file; {@link io.indexgate.persist.EnvelopeHeader},
 * {@link io.indexgate.persist.IndexEnvelope} and the engines implement it, and a second reader can be written from it
 * alone. A file is three parts back to back, with no gaps and nothing after the footer:
 * {@code header (64 bytes) | payload (payload length bytes) | footer (8 bytes)}.
 *
 * <h3>Header: 64 bytes, big-endian</h3>
 * <table>
 *   <caption>Header fields (offsets and sizes in bytes)</caption>
 *   <tr><th>offset</th><th>size</th><th>type</th><th>field</th><th>meaning and rule</th></tr>
 *   <tr><td>0</td><td>4</td><td>int</td><td>magic</td>
 *       <td>{@code 0x49474958}, the ASCII bytes {@code "IGIX"}; anything else is not an indexgate index file</td></tr>
 *   <tr><td>4</td><td>4</td><td>signed int</td><td>format version</td>
 *       <td>currently 1; see the version rules below</td></tr>
 *   <tr><td>8</td><td>16</td><td>ASCII</td><td>engine id</td>
 *       <td>the engine that wrote the payload ({@code hnswlib}, {@code usearch}, {@code exact}): 1 to 16 printable
 *       ASCII bytes ({@code 0x20} to {@code 0x7e}), then zero bytes to the end of the field</td></tr>
 *   <tr><td>24</td><td>16</td><td>ASCII</td><td>metric</td>
 *       <td>{@code cosine}, {@code dot} or {@code euclidean}, encoded like the engine id</td></tr>
 *   <tr><td>40</td><td>4</td><td>signed int</td><td>dimensions</td><td>vector dimensions, positive</td></tr>
 *   <tr><td>44</td><td>4</td><td>int</td><td>reserved</td><td>must be 0</td></tr>
 *   <tr><td>48</td><td>8</td><td>signed long</td><td>entry count</td>
 *       <td>the number of live vectors in the payload, not negative</td></tr>
 *   <tr><td>56</td><td>8</td><td>signed long</td><td>payload length</td>
 *       <td>the payload's length in bytes, not negative</td></tr>
 * </table>
 *
 * <h3>Footer: 8 bytes, big-endian</h3>
 * <table>
 *   <caption>Footer fields (offsets from the footer's start, that is from {@code 64 + payload length})</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th><th>meaning</th></tr>
 *   <tr><td>0</td><td>4</td><td>checksum</td>
 *       <td>CRC32C (Castagnoli, as {@link java.util.zip.CRC32C}) over every byte before the footer, header and
 *       payload, stored as the low 32 bits of the value</td></tr>
 *   <tr><td>4</td><td>4</td><td>end magic</td><td>{@code 0x58494749}, the ASCII bytes {@code "XIGI"}</td></tr>
 * </table>
 *
 * <h3>Payload, per engine</h3>
 * The header's engine id says which layout follows; the entry count is the number of live keys (keys are the store's
 * row ids, never reused).
 * <ul>
 *   <li><b>{@code exact}</b>, little-endian: entry count entries back to back (written in ascending key order), each a
 *       signed long key followed by {@code dimensions} float32 components (IEEE 754), so the payload length is exactly
 *       {@code entries * (8 + 4 * dimensions)}. No key appears twice.</li>
 *   <li><b>{@code usearch}</b>, little-endian: a long {@code L}, the live key count (equal to the entry count);
 *       {@code L} longs, the live keys, strictly ascending; a long {@code R}, the removed-key count; {@code R} longs,
 *       the removed (soft-deleted, still in the graph) keys, strictly ascending and disjoint from the live ones; a
 *       long {@code B}, the blob length, positive and equal to every byte that follows; then {@code B} bytes:
 *       USearch 2.26's own serialization of its dense index ({@code usearch_save_buffer}, float32 storage, USearch's
 *       metric for the header's: cosine, inner product for {@code dot}, squared L2 for {@code euclidean}), holding
 *       exactly the {@code L + R} keys listed. A reader outside USearch can check the key
 *       lists but needs USearch to interpret the blob.</li>
 *   <li><b>{@code hnswlib}</b>, little-endian, since 2026-12-04 (format 2, {@code HnswGraphCodec}): the bytes
 *       {@code IGHG}; int32 codec version (1); int32 dimensions; int32 M; int32 efConstruction; int32 ef; int32 the
 *       tombstone count, then that many int64 tombstone keys (removed keys that stay in the graph as ordinary nodes
 *       and are never returned); int32 the count of hnswlib-core's removed-item versions, then that many pairs of
 *       int64 key and int64 version (empty in files this build writes); int32 the node count {@code N}; int32 the
 *       entry point's node number (-1 exactly when {@code N} is 0); then {@code N} nodes, numbered from 0, each an
 *       int32 of flags (0: an empty slot, nothing follows; 1: a node; 3: a node hnswlib-core deleted) followed, for a
 *       node, by its int64 key, an int32 level count {@code L} (at least 1), {@code L} neighbour lists from level 0
 *       up (each an int32 count and that many int32 node numbers, every one a node that has that level), and the
 *       original, not normalised, float32 components. The live keys are the keys of nodes not deleted, minus the
 *       tombstones, and their number is the entry count; no live key appears twice, and nothing follows the last
 *       node. Under cosine the graph's vectors are the unit vectors of the stored ones, recomputed on load.
 *       <br>Format 1, written before 2026-12-04, is still read: one Java object stream
 *       ({@link java.io.ObjectOutputStream}, big-endian, starting with the stream magic {@code 0xACED 0x0005}, which
 *       is how a reader tells the formats apart) holding an int, the tombstone count, that many long tombstone keys,
 *       then one object, hnswlib-core 1.2.1's {@code HnswIndex}, whose keys are written as one long and whose items as
 *       a long key, an int dimension count and the original float components. Reading it takes Java deserialization
 *       of hnswlib-core's class, which this build runs behind an {@link java.io.ObjectInputFilter} allow-list; older
 *       files may hold hnswlib-core deleted nodes for their tombstones and are rebuilt on load.</li>
 * </ul>
 *
 * <h3>Verification, in this order</h3>
 * <ol>
 *   <li>The file holds at least header and footer (72 bytes).</li>
 *   <li>Magic, then the version (rules below), then the header fields' syntax (names printable and zero padded,
 *       dimensions positive, reserved 0, counts not negative).</li>
 *   <li>Engine id, metric and dimensions equal what the reader expects for the collection.</li>
 *   <li>The file length is exactly {@code 64 + payload length + 8} (and at most {@code 2^31 - 9} bytes, one
 *       buffer).</li>
 *   <li>End magic, then the CRC32C.</li>
 *   <li>Only then the engine decodes the payload and checks its own structure against the entry count.</li>
 * </ol>
 * Any failure is a {@link io.indexgate.persist.CorruptIndexException} naming the file and what was wrong, and no
 * byte of the payload has reached an engine.
 *
 * <h3>Version rules</h3>
 * A build writes {@link io.indexgate.persist.EnvelopeHeader#FORMAT_VERSION} and reads every version from
 * {@link io.indexgate.persist.EnvelopeHeader#MIN_SUPPORTED_VERSION} to {@code FORMAT_VERSION} (today 1 to 1), as
 * Lucene's {@code CodecUtil.checkHeader} does. The version is checked right after the magic and before any other
 * field, since a new version may change everything after it (only the magic and the version's position are fixed
 * forever). A version above the range is an {@link io.indexgate.persist.IndexFormatTooNewException} (a newer writer;
 * the file is probably intact), one below it (0 and negative values included) an
 * {@link io.indexgate.persist.IndexFormatTooOldException}; both name the file, the version found and the supported
 * range, and both are {@code CorruptIndexException}s, so that the store reports them as an {@code IndexLoadError}
 * and never rebuilds silently. A change of the header, the footer or a payload layout that a reader of the current
 * version would misread raises {@code FORMAT_VERSION} (a payload that today's decoders still read correctly, such as
 * hnswlib's older files without tombstone nodes, does not); dropping support for an old version raises
 * {@code MIN_SUPPORTED_VERSION}.
 */
package io.indexgate.persist;
