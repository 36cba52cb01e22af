package io.indexgate.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorMath}'s kernels on the JDK's incubating Vector API, in the platform's widest float lanes. Loaded only
 * when the JVM has the {@code jdk.incubator.vector} module; the tail past the last full lane runs scalar. Stateless and
 * thread-safe.
 */
final class SimdKernels implements VectorMath.Kernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    int lanes() {
        return SPECIES.length();
    }

    @Override
    public float dot(float[] a, float[] b) {
        FloatVector sum = FloatVector.zero(SPECIES);
        int i = 0;
        int bound = SPECIES.loopBound(a.length);
        for (; i < bound; i += SPECIES.length()) {
            sum = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), sum);
        }
        float result = sum.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            result += a[i] * b[i];
        }
        return result;
    }

    @Override
    public float squaredDistance(float[] a, float[] b) {
        FloatVector sum = FloatVector.zero(SPECIES);
        int i = 0;
        int bound = SPECIES.loopBound(a.length);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector difference = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
            sum = difference.fma(difference, sum);
        }
        float result = sum.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            float difference = a[i] - b[i];
            result += difference * difference;
        }
        return result;
    }
}
