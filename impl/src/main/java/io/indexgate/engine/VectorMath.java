package io.indexgate.engine;

/**
 * The vector kernels shared by the Java engines. When the JVM runs with the JDK's incubating Vector API
 * ({@code --add-modules jdk.incubator.vector}) they use its SIMD lanes ({@link SimdKernels}: the distance was 82% of
 * an hnswlib query in the profile; SIMD halves the distance, though a query, bound by memory, gains about 9%); otherwise, or with {@code -Dindexgate.simd=false}, scalar
 * loops whose four independent accumulators let the JIT pipeline them. Either way results differ from a naive loop
 * only by float rounding. Stateless and thread-safe.
 */
public final class VectorMath {

    private VectorMath() {
    }

    /** The dot product and squared distance of two vectors of equal length. */
    interface Kernels {
        float dot(float[] a, float[] b);

        float squaredDistance(float[] a, float[] b);
    }

    /** The scalar kernels, always available. */
    static final Kernels SCALAR = new ScalarKernels();

    /** The kernels in use, chosen once (after {@link #SCALAR}, which it may be): a constant the JIT inlines. */
    private static final Kernels KERNELS = chooseKernels();

    private static Kernels chooseKernels() {
        boolean wanted = !"false".equals(System.getProperty("indexgate.simd"));
        if (wanted && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            // Loaded only here: without the module, the class that names its types is never touched.
            return new SimdKernels();
        }
        return SCALAR;
    }

    /** Which kernels this JVM uses: {@code "simd (N float lanes)"} or {@code "scalar"}. */
    static String kernels() {
        return KERNELS instanceof SimdKernels simd ? "simd (" + simd.lanes() + " float lanes)" : "scalar";
    }

    /** The dot product of two vectors of equal length. */
    public static float dot(float[] a, float[] b) {
        return KERNELS.dot(a, b);
    }

    /** The squared Euclidean distance of two vectors of equal length. */
    public static float squaredDistance(float[] a, float[] b) {
        return KERNELS.squaredDistance(a, b);
    }

    /** A unit-length copy of {@code vector}; the caller guarantees it is not zero. */
    public static float[] normalized(float[] vector) {
        // One division, then a multiplication per component: a division per component was half of an hnswlib
        // load's time in the profile. In double precision, so the rounded result is that of the division.
        double inverse = 1.0 / Math.sqrt(dot(vector, vector));
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] * inverse);
        }
        return unit;
    }

    /**
     * Checks a vector for a given dimension count and finite components.
     *
     * @param what names the vector in the message, for example {@code "vector of record 3f2a..."}
     * @throws IllegalArgumentException naming {@code what} and the rule broken
     */
    public static void validate(float[] vector, int dimensions, SimilarityMetric metric, String what) {
        if (vector == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (vector.length != dimensions) {
            throw new IllegalArgumentException(what + " has " + vector.length + " dimensions, expected "
                    + dimensions);
        }
        boolean allZero = true;
        for (int i = 0; i < vector.length; i++) {
            float component = vector[i];
            if (!Float.isFinite(component)) {
                throw new IllegalArgumentException(what + " has a non-finite component " + component
                        + " at index " + i);
            }
            allZero &= component == 0f;
        }
        if (allZero && metric == SimilarityMetric.COSINE) {
            throw new IllegalArgumentException(what + " is the zero vector, which has no cosine similarity");
        }
    }

    /** Four independent accumulators per loop, so that the JIT can pipeline them. */
    private static final class ScalarKernels implements Kernels {
        @Override
        public float dot(float[] a, float[] b) {
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int i = 0;
            int bound = a.length & ~3;
            for (; i < bound; i += 4) {
                s0 += a[i] * b[i];
                s1 += a[i + 1] * b[i + 1];
                s2 += a[i + 2] * b[i + 2];
                s3 += a[i + 3] * b[i + 3];
            }
            for (; i < a.length; i++) {
                s0 += a[i] * b[i];
            }
            return (s0 + s1) + (s2 + s3);
        }

        @Override
        public float squaredDistance(float[] a, float[] b) {
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int i = 0;
            int bound = a.length & ~3;
            for (; i < bound; i += 4) {
                float d0 = a[i] - b[i];
                float d1 = a[i + 1] - b[i + 1];
                float d2 = a[i + 2] - b[i + 2];
                float d3 = a[i + 3] - b[i + 3];
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            for (; i < a.length; i++) {
                float d = a[i] - b[i];
                s0 += d * d;
            }
            return (s0 + s1) + (s2 + s3);
        }
    }
}
