package io.indexgate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The SIMD kernels agree with the scalar ones, and the tests really run the SIMD ones. */
class VectorMathProperties {

    private static final VectorMath.Kernels SIMD = new SimdKernels();

    record Pair(float[] a, float[] b) {
    }

    @Provide
    Arbitrary<Pair> pairs() {
        // Lengths around and past every lane count (tails included), components of mixed sign and magnitude.
        return Arbitraries.integers().between(1, 200).flatMap(length -> {
            Arbitrary<float[]> vector = Arbitraries.floats().between(-100f, 100f).array(float[].class)
                    .ofSize(length);
            return Combinators.combine(vector, vector).as(Pair::new);
        });
    }

    @Property(tries = 500)
    void simdDotAgreesWithScalar(@ForAll("pairs") Pair pair) {
        assertClose(VectorMath.SCALAR.dot(pair.a(), pair.b()), SIMD.dot(pair.a(), pair.b()), pair);
    }

    @Property(tries = 500)
    void simdSquaredDistanceAgreesWithScalar(@ForAll("pairs") Pair pair) {
        assertClose(VectorMath.SCALAR.squaredDistance(pair.a(), pair.b()), SIMD.squaredDistance(pair.a(), pair.b()),
                pair);
    }

    @Test
    void scalarKernelsComputeTheDefinitions() {
        float[] a = {1, 2, 3, 4, 5};
        float[] b = {-1, 0.5f, 2, 0, 3};
        assertEquals(-1 + 1 + 6 + 0 + 15, VectorMath.SCALAR.dot(a, b));
        assertEquals(4 + 2.25f + 1 + 16 + 4, VectorMath.SCALAR.squaredDistance(a, b));
        // And the kernels this JVM chose (SIMD here, with its scalar tail past the last full lane) agree.
        assertEquals(VectorMath.SCALAR.dot(a, b), VectorMath.dot(a, b));
    }

    @Test
    void testsRunWithTheSimdKernels() {
        // The surefire JVM adds jdk.incubator.vector: if this fails, every engine test ran the scalar path only.
        assertTrue(VectorMath.kernels().startsWith("simd"), VectorMath.kernels());
    }

    private static void assertClose(float expected, float actual, Pair pair) {
        // Both sum the same products in a different order: the rounding differs by a few ulps of the magnitude.
        double magnitude = 0;
        for (int i = 0; i < pair.a().length; i++) {
            magnitude += Math.abs((double) pair.a()[i] * pair.b()[i]) + pair.a()[i] * pair.a()[i]
                    + pair.b()[i] * pair.b()[i];
        }
        assertEquals(expected, actual, 1e-5 * magnitude + 1e-6, "length " + pair.a().length);
    }
}
