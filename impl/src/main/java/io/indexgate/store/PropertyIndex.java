package io.indexgate.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The in-memory index of a collection's indexed properties, which answers a {@link PropertyFilter} without SQLite: for
 * each indexed property, a sorted map from each value present (in its type's SQL form, {@link PropertyType#toSql}) to
 * the compressed bitmap (RoaringBitmap) of the row ids that hold it, the bitmap of the rows that hold the property at
 * all, and the bitmap of every row. A comparison is one bitmap or the union of a range of them, {@code and},
 * {@code or} and {@code not} are bitmap intersection, union and complement against every row, so the answer has the
 * semantics {@link PropertyFilter} states, with the values compared as SQLite compares them: strings by code point
 * (SQLite's BINARY collation on UTF-8), numbers numerically (-0.0 equal to 0.0), booleans as 0 and 1, timestamps as
 * microseconds.
 *
 * <p><b>In step with SQLite.</b> It is built from the records table when the collection opens, and a write's changes
 * ({@link Changes}, collected by the records table's writer inside the transaction) are applied only once that
 * transaction has committed; a failed or rolled-back write leaves it as it was. A row id is never reused and a row's
 * properties never change (an upsert replaces the row), so an index that a query reads just before a commit is
 * applied only lacks rows that the query could not have seen committed either, or holds rows that the query's row
 * lookup then finds deleted.
 *
 * <p><b>Exact or silent.</b> The bitmaps hold 32-bit row ids: once a row id beyond {@value #MAX_ROW_ID} appears, or
 * a change does not match what the index holds (a removed row it does not have), the index stops answering
 * ({@link #matching} is empty) and the collection asks SQLite until it is reopened and the index rebuilt. It never
 * answers from a state it cannot vouch for.
 *
 * <p><b>Thread safety.</b> Safe for concurrent use: queries read under a shared lock, changes are applied under an
 * exclusive one (the collection applies them in commit order, under its mutation lock).
 */
final class PropertyIndex {

    /** The largest row id the 32-bit bitmaps hold (as an unsigned int). */
    static final long MAX_ROW_ID = 0xFFFF_FFFFL;

    /** A row's indexed values in config order, in their types' SQL form, null where the record lacks the property. */
    record Entry(long rowId, Object[] values) {
    }

    /** The removals and insertions of one write transaction, in the order made. Not thread-safe. */
    static final class Changes {

        private record Change(boolean insert, Entry entry) {
        }

        private final List<Change> made = new ArrayList<>();

        void removed(Entry entry) {
            made.add(new Change(false, entry));
        }

        void inserted(Entry entry) {
            made.add(new Change(true, entry));
        }
    }

    private final Map<String, PropertyType> indexed;
    /** The position of each indexed property in an {@link Entry}'s values. */
    private final Map<String, Integer> positions = new LinkedHashMap<>();
    private final List<PropertyType> types = new ArrayList<>();
    private final List<NavigableMap<Object, RoaringBitmap>> byValue = new ArrayList<>();
    private final List<RoaringBitmap> present = new ArrayList<>();
    private final RoaringBitmap all = new RoaringBitmap();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Why the index no longer answers, or null while it does. */
    private String unusable;

    /** An empty index of the config's indexed properties. */
    PropertyIndex(CollectionConfig config) {
        this.indexed = config.indexedProperties();
        for (Map.Entry<String, PropertyType> property : indexed.entrySet()) {
            positions.put(property.getKey(), types.size());
            types.add(property.getValue());
            byValue.add(new TreeMap<>(comparator(property.getValue())));
            present.add(new RoaringBitmap());
        }
    }

    /**
     * Adds a row as the collection opens (rows come in any order, each once; its values come by
     * {@link #loadValue}). Not for concurrent use: the index is built before it is shared.
     */
    void loadRow(long rowId) {
        if (fits(rowId)) {
            all.add((int) rowId);
        }
    }

    /** Adds, as the collection opens, that row {@code rowId} holds {@code sqlValue} for the property at a position. */
    void loadValue(int position, Object sqlValue, long rowId) {
        if (fits(rowId)) {
            addValue(position, sqlValue, (int) rowId);
        }
    }

    /**
     * Applies the changes of a committed transaction, in the order they were made. Call it only after the commit
     * succeeded, in commit order.
     */
    void apply(Changes changes) {
        lock.writeLock().lock();
        try {
            for (Changes.Change change : changes.made) {
                if (unusable != null) {
                    break;
                }
                if (change.insert()) {
                    insert(change.entry());
                } else {
                    remove(change.entry());
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Stops answering for good (until the collection is reopened): for a change that may not have been applied. */
    void invalidate(String reason) {
        lock.writeLock().lock();
        try {
            stopAnswering(reason);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The rows of the records that match {@code filter}, as a bitmap of row ids (unsigned ints) that is the caller's
     * own; empty if the index cannot answer exactly (ask SQLite then).
     *
     * @throws IllegalArgumentException as SQLite's evaluation would: if the filter names a property that is not
     *                                  indexed or compares it with a value of another type
     */
    Optional<RoaringBitmap> matching(PropertyFilter filter) {
        lock.readLock().lock();
        try {
            if (unusable != null) {
                return Optional.empty();
            }
            return Optional.of(evaluate(filter));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether the bitmap of a {@link #matching} answer holds {@code rowId}. */
    static boolean contains(RoaringBitmap rows, long rowId) {
        return rowId >= 0 && rowId <= MAX_ROW_ID && rows.contains((int) rowId);
    }

    /** The row ids of a {@link #matching} answer, ascending. */
    static long[] toRowIds(RoaringBitmap rows) {
        long[] rowIds = new long[rows.getCardinality()];
        PeekableIntIterator iterator = rows.getIntIterator();
        for (int i = 0; i < rowIds.length; i++) {
            rowIds[i] = Integer.toUnsignedLong(iterator.next());
        }
        return rowIds;
    }

    /** Why the index does not answer, if it does not. */
    Optional<String> unusableReason() {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(unusable);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The index's contents, for tests: per property, each value (as the index keys it) with its row ids ascending,
     * and under the key {@code null} every row id.
     */
    Map<String, Map<Object, List<Long>>> contents() {
        lock.readLock().lock();
        try {
            Map<String, Map<Object, List<Long>>> contents = new LinkedHashMap<>();
            contents.put(null, Map.of("all", boxed(all)));
            positions.forEach((property, position) -> {
                Map<Object, List<Long>> values = new LinkedHashMap<>();
                byValue.get(position).forEach((value, rows) -> values.put(value, boxed(rows)));
                contents.put(property, values);
            });
            return contents;
        } finally {
            lock.readLock().unlock();
        }
    }

    private static List<Long> boxed(RoaringBitmap rows) {
        return Arrays.stream(toRowIds(rows)).boxed().toList();
    }

    /** Whether the index still answers and holds {@code rowId}'s size; else it stops answering. */
    private boolean fits(long rowId) {
        if (rowId < 0 || rowId > MAX_ROW_ID) {
            stopAnswering("row id " + rowId + " is beyond the 32-bit bitmaps");
        }
        return unusable == null;
    }

    private void insert(Entry entry) {
        if (!fits(entry.rowId())) {
            return;
        }
        int row = (int) entry.rowId();
        if (!all.checkedAdd(row)) {
            stopAnswering("row " + entry.rowId() + " was inserted twice");
            return;
        }
        for (int p = 0; p < types.size(); p++) {
            if (entry.values()[p] != null) {
                addValue(p, entry.values()[p], row);
            }
        }
    }

    private void addValue(int position, Object sqlValue, int row) {
        byValue.get(position).computeIfAbsent(key(types.get(position), sqlValue), k -> new RoaringBitmap()).add(row);
        present.get(position).add(row);
    }

    @io.indexgate.persist.FaultPoint("the negative control of PropertyIndexFaultTest: deletes the index ignores")
    private void remove(Entry entry) {
        if (entry.rowId() < 0 || entry.rowId() > MAX_ROW_ID || !all.checkedRemove((int) entry.rowId())) {
            stopAnswering("removed row " + entry.rowId() + " was not in the index");
            return;
        }
        int row = (int) entry.rowId();
        for (int p = 0; p < types.size(); p++) {
            Object value = entry.values()[p];
            if (value != null) {
                Object key = key(types.get(p), value);
                RoaringBitmap rows = byValue.get(p).get(key);
                if (rows == null || !rows.checkedRemove(row) || !present.get(p).checkedRemove(row)) {
                    stopAnswering("removed row " + entry.rowId() + " was not indexed under its value " + value);
                    return;
                }
                if (rows.isEmpty()) {
                    byValue.get(p).remove(key);
                }
            }
        }
    }

    /** Called with the write lock held (or before the index is shared); frees what no longer answers. */
    private void stopAnswering(String reason) {
        if (unusable == null) {
            unusable = reason;
            all.clear();
            byValue.forEach(Map::clear);
            present.forEach(RoaringBitmap::clear);
        }
    }

    /**
     * The rows matching {@code filter}, in a new bitmap that the index does not keep. Validates every leaf, as
     * SQLite's compilation does, so that a bad filter fails whatever the data.
     */
    private RoaringBitmap evaluate(PropertyFilter filter) {
        if (filter instanceof PropertyFilter.Comparison comparison) {
            int position = position(comparison.property());
            PropertyType type = types.get(position);
            Object key = key(type, PropertyFilters.operand(type, comparison.property(), comparison.value()));
            NavigableMap<Object, RoaringBitmap> values = byValue.get(position);
            return switch (comparison.operator()) {
                case EQ -> equalTo(values, key).clone();
                case NE -> RoaringBitmap.andNot(present.get(position), equalTo(values, key));
                case GT -> union(values.tailMap(key, false).values());
                case GTE -> union(values.tailMap(key, true).values());
                case LT -> union(values.headMap(key, false).values());
                case LTE -> union(values.headMap(key, true).values());
            };
        } else if (filter instanceof PropertyFilter.In in) {
            int position = position(in.property());
            PropertyType type = types.get(position);
            List<RoaringBitmap> matches = new ArrayList<>(in.values().size());
            for (Object value : in.values()) {
                matches.add(equalTo(byValue.get(position), key(type, PropertyFilters.operand(type, in.property(),
                        value))));
            }
            return union(matches);
        } else if (filter instanceof PropertyFilter.And and) {
            RoaringBitmap result = all.clone();
            for (PropertyFilter operand : and.operands()) {
                result.and(evaluate(operand));
            }
            return result;
        } else if (filter instanceof PropertyFilter.Or or) {
            List<RoaringBitmap> operands = new ArrayList<>(or.operands().size());
            for (PropertyFilter operand : or.operands()) {
                operands.add(evaluate(operand));
            }
            return union(operands);
        } else if (filter instanceof PropertyFilter.Not not) {
            return RoaringBitmap.andNot(all, evaluate(not.operand()));
        }
        throw new IllegalArgumentException("unknown filter " + filter);
    }

    private int position(String property) {
        PropertyFilters.typeOf(property, indexed);
        return positions.get(property);
    }

    /** The index's own bitmap of the rows holding {@code key} (read it only), or a new empty one. */
    private static RoaringBitmap equalTo(NavigableMap<Object, RoaringBitmap> values, Object key) {
        RoaringBitmap rows = values.get(key);
        return rows != null ? rows : new RoaringBitmap();
    }

    /** A new bitmap: the union of {@code bitmaps}, which it leaves unchanged. */
    private static RoaringBitmap union(Collection<RoaringBitmap> bitmaps) {
        return bitmaps.isEmpty() ? new RoaringBitmap() : FastAggregation.or(bitmaps.iterator());
    }

    /**
     * The value under which the index keeps an SQL-form value: the value SQLite stores and compares. A string is
     * taken through UTF-8 as sqlite-jdbc binds it (an unpaired surrogate becomes '?'); -0.0 is 0.0, as SQLite compares.
     */
    static Object key(PropertyType type, Object sqlValue) {
        if (sqlValue instanceof String text) {
            return hasSurrogate(text) ? new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                    : text;
        } else if (sqlValue instanceof Double number) {
            return number == 0.0 ? 0.0 : number;
        }
        return sqlValue;
    }

    private static boolean hasSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** The order of a type's keys: SQLite's, code points for strings (UTF-8 byte order). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparator<Object> comparator(PropertyType type) {
        if (type == PropertyType.STRING) {
            return (left, right) -> compareCodePoints((String) left, (String) right);
        }
        return (left, right) -> ((Comparable) left).compareTo(right);
    }

    static int compareCodePoints(String left, String right) {
        int i = 0;
        int j = 0;
        while (i < left.length() && j < right.length()) {
            int a = left.codePointAt(i);
            int b = right.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Boolean.compare(i < left.length(), j < right.length());
    }
}
