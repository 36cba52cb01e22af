package io.indexgate.engine.usearch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The USearch engine's primitive key set behaves as a sorted set of longs under any sequence of additions and
 * removals: keys that collide in the table, runs that wrap around its end, removals inside runs (the backward shift)
 * and growth included.
 */
class USearchLongHashSetProperties {

    /** An operation: a key, added when {@code add}, else removed. */
    record Operation(boolean add, long key) {
    }

    @Provide
    Arbitrary<List<Operation>> operations() {
        // Few distinct keys (consecutive row ids, multiples of the table size, negatives), so that they collide.
        Arbitrary<Long> keys = Arbitraries.oneOf(Arbitraries.longs().between(-40, 200),
                Arbitraries.longs().between(0, 30).map(k -> k * 1024), Arbitraries.longs());
        // Two additions to a removal, so that the set grows through several table sizes.
        return Combinators.combine(Arbitraries.of(true, true, false), keys).as(Operation::new).list().ofMaxSize(600);
    }

    @Property(tries = 300)
    void actsAsASortedSetOfLongs(@ForAll("operations") List<Operation> operations) {
        LongHashSet set = new LongHashSet();
        TreeSet<Long> model = new TreeSet<>();
        for (Operation operation : operations) {
            if (operation.add()) {
                assertEquals(model.add(operation.key()), set.add(operation.key()), "add " + operation.key());
            } else {
                assertEquals(model.remove(operation.key()), set.remove(operation.key()), "remove " + operation.key());
            }
            assertEquals(model.size(), set.size());
        }
        for (long key = -45; key < 210; key++) {
            assertEquals(model.contains(key), set.contains(key), "contains " + key);
        }
        for (Operation operation : operations) {
            assertEquals(model.contains(operation.key()), set.contains(operation.key()), "contains " + operation.key());
        }
        assertArrayEquals(model.stream().mapToLong(Long::longValue).toArray(), set.toSortedArray());
        assertArrayEquals(set.toSortedArray(), LongHashSet.of(set.toSortedArray()).toSortedArray(), "of");
    }
}
