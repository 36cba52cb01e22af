package io.indexgate.harness.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What a restarted child found when it opened the store: for the checker's rules.
 *
 * @param opened                whether the store and collection opened (rule 1)
 * @param openError             why not, if not (an {@code IndexLoadError} or another startup failure)
 * @param indexFingerprint      the content fingerprint of the index file as found ({@value #ABSENT} if there was
 *                              none, {@code unreadable: <why>} if it failed verification or decoding) (rule 2)
 * @param records               UUID to vector digest, every record in SQLite (rule 3)
 * @param notFoundByExactQuery  records that a query with their own vector did not return (rule 3)
 * @param engineMismatches      differences between the engine's contents and the SQLite records (rule 4)
 * @param tempsBeforeOpen       stale temps present before the store opened (informational)
 * @param tempsAfterOpen        temps still present after the store opened (rule 5)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecoveryReport(boolean opened, String openError, String indexFingerprint, Map<String, String> records,
                             List<String> notFoundByExactQuery, List<String> engineMismatches,
                             List<String> tempsBeforeOpen, List<String> tempsAfterOpen) {

    /** The fingerprint of a missing index file. */
    public static final String ABSENT = "absent";
    /**
     * The fingerprint of a store whose persisted index is not a save's: one that persists every acknowledged write
     * into it (a write-through store), so that rule 2 (the index is the last or an in-flight save) does not apply to
     * it; rules 1, 3 and 4 still judge what it recovered.
     */
    public static final String UNTRACKED = "untracked";
    /** The prefix of the fingerprint of an index file that exists but cannot be loaded. */
    public static final String UNREADABLE = "unreadable";
}
