// JNI glue between io.indexgate.engine.usearch.USearchNative and USearch's C API (c/usearch.h).
// Written for indexgate. Every entry point checks its handle and arguments before calling USearch, and turns a
// USearch error into a Java exception (IllegalStateException), so that no failure is silent and none crashes the JVM.
//
// Distances are computed by our own f32 kernels (below), installed into every index as a stateful metric of the
// same metric kind, so files keep USearch's format and metric. Why: USearch 2.26's NumKong kernels for f32 widen
// every element to f64 (4 lanes per AVX2 instruction, three dependent accumulators for cosine); ours keep f32 (8
// lanes, two accumulators per sum), as C++ hnswlib does. The choice of kernel is made once, at run time, from the CPU.
#include <jni.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <sys/mman.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define INDEXGATE_X86 1
#endif

#include "usearch.h"

namespace {

bool fail(JNIEnv* env, char const* message, char const* exception = "java/lang/IllegalStateException") {
    jclass type = env->FindClass(exception);
    if (type != nullptr) {
        env->ThrowNew(type, message);
    }
    return false;
}

bool check(JNIEnv* env, usearch_error_t error) {
    return error == nullptr || fail(env, error);
}

usearch_index_t index_of(JNIEnv* env, jlong handle) {
    if (handle == 0) {
        fail(env, "USearch index handle is null (closed?)");
        return nullptr;
    }
    return reinterpret_cast<usearch_index_t>(handle);
}

/** The index's dimensions, or 0 with an exception pending. */
jsize dimensions_of(JNIEnv* env, usearch_index_t index) {
    usearch_error_t error = nullptr;
    size_t dimensions = usearch_dimensions(index, &error);
    if (!check(env, error)) return 0;
    if (dimensions == 0 || dimensions > 1u << 20) {
        fail(env, "USearch index has no valid dimensions");
        return 0;
    }
    return static_cast<jsize>(dimensions);
}

// ---- Distance kernels -------------------------------------------------------------------------------------------
// USearch calls a stateful metric as distance(a, b, state) with the two vectors' addresses; our state is the number
// of dimensions, which every vector of the index has (checked when a kernel is installed). Results follow USearch's
// built-in definitions: cosine 1 - ab/(|a||b|) clamped at 0 (0 for two zero vectors, 1 if either is zero), inner
// product 1 - ab, squared Euclidean sum((a-b)^2). A cosine or inner product whose f32 sums overflow (squares or
// products beyond f32's range, which may cancel or be divided away) is recomputed in f64; a squared Euclidean
// distance that overflows f32 is itself beyond f32's range.

using kernel_t = usearch_distance_t (*)(std::size_t, std::size_t, std::size_t);

usearch_distance_t cosine_of(double ab, double a2, double b2) {
    if (a2 == 0 && b2 == 0) return 0;
    if (ab == 0) return 1;
    double distance = 1 - ab / std::sqrt(a2 * b2);
    return static_cast<usearch_distance_t>(distance > 0 ? distance : 0);
}

usearch_distance_t cosine_f64(float const* a, float const* b, std::size_t n) {
    double ab = 0, a2 = 0, b2 = 0;
    for (std::size_t i = 0; i < n; i++) {
        ab += static_cast<double>(a[i]) * b[i];
        a2 += static_cast<double>(a[i]) * a[i];
        b2 += static_cast<double>(b[i]) * b[i];
    }
    return cosine_of(ab, a2, b2);
}

usearch_distance_t inner_product_f64(float const* a, float const* b, std::size_t n) {
    double ab = 0;
    for (std::size_t i = 0; i < n; i++) ab += static_cast<double>(a[i]) * b[i];
    return static_cast<usearch_distance_t>(1 - ab);
}

// Portable kernels: four independent f32 accumulators, which the compiler keeps in SSE registers.
usearch_distance_t cosine_portable(std::size_t pa, std::size_t pb, std::size_t n) {
    auto a = reinterpret_cast<float const*>(pa);
    auto b = reinterpret_cast<float const*>(pb);
    float ab[4] = {0, 0, 0, 0}, a2[4] = {0, 0, 0, 0}, b2[4] = {0, 0, 0, 0};
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        for (int lane = 0; lane < 4; lane++) {
            ab[lane] += a[i + lane] * b[i + lane];
            a2[lane] += a[i + lane] * a[i + lane];
            b2[lane] += b[i + lane] * b[i + lane];
        }
    }
    float dot = (ab[0] + ab[1]) + (ab[2] + ab[3]);
    float norm_a = (a2[0] + a2[1]) + (a2[2] + a2[3]);
    float norm_b = (b2[0] + b2[1]) + (b2[2] + b2[3]);
    for (; i < n; i++) {
        dot += a[i] * b[i];
        norm_a += a[i] * a[i];
        norm_b += b[i] * b[i];
    }
    if (!std::isfinite(dot) || !std::isfinite(norm_a) || !std::isfinite(norm_b)) return cosine_f64(a, b, n);
    return cosine_of(dot, norm_a, norm_b);
}

usearch_distance_t inner_product_portable(std::size_t pa, std::size_t pb, std::size_t n) {
    auto a = reinterpret_cast<float const*>(pa);
    auto b = reinterpret_cast<float const*>(pb);
    float ab[4] = {0, 0, 0, 0};
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        for (int lane = 0; lane < 4; lane++) ab[lane] += a[i + lane] * b[i + lane];
    }
    float dot = (ab[0] + ab[1]) + (ab[2] + ab[3]);
    for (; i < n; i++) dot += a[i] * b[i];
    if (!std::isfinite(dot)) return inner_product_f64(a, b, n);
    return 1 - dot;
}

usearch_distance_t squared_euclidean_portable(std::size_t pa, std::size_t pb, std::size_t n) {
    auto a = reinterpret_cast<float const*>(pa);
    auto b = reinterpret_cast<float const*>(pb);
    float sums[4] = {0, 0, 0, 0};
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        for (int lane = 0; lane < 4; lane++) {
            float difference = a[i + lane] - b[i + lane];
            sums[lane] += difference * difference;
        }
    }
    float sum = (sums[0] + sums[1]) + (sums[2] + sums[3]);
    for (; i < n; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
    return sum;
}

#if INDEXGATE_X86
__attribute__((target("avx2,fma"))) float sum_lanes(__m256 lanes) {
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(lanes), _mm256_extractf128_ps(lanes, 1));
    half = _mm_add_ps(half, _mm_movehl_ps(half, half));
    half = _mm_add_ss(half, _mm_movehdup_ps(half));
    return _mm_cvtss_f32(half);
}

__attribute__((target("avx2,fma"))) usearch_distance_t cosine_avx2(std::size_t pa, std::size_t pb, std::size_t n) {
    auto a = reinterpret_cast<float const*>(pa);
    auto b = reinterpret_cast<float const*>(pb);
    __m256 ab0 = _mm256_setzero_ps(), ab1 = ab0, a20 = ab0, a21 = ab0, b20 = ab0, b21 = ab0;
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 x0 = _mm256_loadu_ps(a + i), x1 = _mm256_loadu_ps(a + i + 8);
        __m256 y0 = _mm256_loadu_ps(b + i), y1 = _mm256_loadu_ps(b + i + 8);
        ab0 = _mm256_fmadd_ps(x0, y0, ab0);
        ab1 = _mm256_fmadd_ps(x1, y1, ab1);
        a20 = _mm256_fmadd_ps(x0, x0, a20);
        a21 = _mm256_fmadd_ps(x1, x1, a21);
        b20 = _mm256_fmadd_ps(y0, y0, b20);
        b21 = _mm256_fmadd_ps(y1, y1, b21);
    }
    if (i + 8 <= n) {
        __m256 x = _mm256_loadu_ps(a + i), y = _mm256_loadu_ps(b + i);
        ab0 = _mm256_fmadd_ps(x, y, ab0);
        a20 = _mm256_fmadd_ps(x, x, a20);
        b20 = _mm256_fmadd_ps(y, y, b20);
        i += 8;
    }
    float dot = sum_lanes(_mm256_add_ps(ab0, ab1));
    float norm_a = sum_lanes(_mm256_add_ps(a20, a21));
    float norm_b = sum_lanes(_mm256_add_ps(b20, b21));
    for (; i < n; i++) {
        dot += a[i] * b[i];
        norm_a += a[i] * a[i];
        norm_b += b[i] * b[i];
    }
    if (!std::isfinite(dot) || !std::isfinite(norm_a) || !std::isfinite(norm_b)) return cosine_f64(a, b, n);
    return cosine_of(dot, norm_a, norm_b);
}

__attribute__((target("avx2,fma"))) usearch_distance_t inner_product_avx2(std::size_t pa, std::size_t pb,
                                                                          std::size_t n) {
    auto a = reinterpret_cast<float const*>(pa);
    auto b = reinterpret_cast<float const*>(pb);
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float dot = sum_lanes(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) dot += a[i] * b[i];
    if (!std::isfinite(dot)) return inner_product_f64(a, b, n);
    return 1 - dot;
}

__attribute__((target("avx2,fma"))) usearch_distance_t squared_euclidean_avx2(std::size_t pa, std::size_t pb,
                                                                              std::size_t n) {
    auto a = reinterpret_cast<float const*>(pa);
    auto b = reinterpret_cast<float const*>(pb);
    __m256 s0 = _mm256_setzero_ps(), s1 = s0;
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
        s1 = _mm256_fmadd_ps(d1, d1, s1);
    }
    if (i + 8 <= n) {
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        s0 = _mm256_fmadd_ps(d, d, s0);
        i += 8;
    }
    float sum = sum_lanes(_mm256_add_ps(s0, s1));
    for (; i < n; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
    return sum;
}
#endif

bool has_avx2_fma() {
#if INDEXGATE_X86
    // libgcc's check includes the OS's support for the AVX state (XGETBV), not only the CPUID bits.
    static bool const available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return available;
#else
    return false;
#endif
}

kernel_t kernel_for(usearch_metric_kind_t kind) {
    bool simd = has_avx2_fma();
    switch (kind) {
#if INDEXGATE_X86
    case usearch_metric_cos_k: return simd ? cosine_avx2 : cosine_portable;
    case usearch_metric_ip_k: return simd ? inner_product_avx2 : inner_product_portable;
    case usearch_metric_l2sq_k: return simd ? squared_euclidean_avx2 : squared_euclidean_portable;
#else
    case usearch_metric_cos_k: return cosine_portable;
    case usearch_metric_ip_k: return inner_product_portable;
    case usearch_metric_l2sq_k: return squared_euclidean_portable;
#endif
    default: return nullptr;
    }
}

/** Installs our kernel for `kind` into `index`, whose every vector has `dimensions` f32 components. */
bool install_kernel(JNIEnv* env, usearch_index_t index, usearch_metric_kind_t kind, jsize dimensions) {
    kernel_t kernel = kernel_for(kind);
    if (kernel == nullptr) return fail(env, "no indexgate kernel for this USearch metric kind");
    usearch_error_t error = nullptr;
    // USearch stores the pointer as an integer and calls it back with the kernel's own signature (the state as the
    // third argument: ours is the dimension count); the C API only types it as usearch_metric_t on the way in.
    usearch_change_metric(index, reinterpret_cast<usearch_metric_t>(reinterpret_cast<void (*)()>(kernel)),
                          reinterpret_cast<void*>(static_cast<std::uintptr_t>(dimensions)), kind, &error);
    return check(env, error);
}

struct allowed_keys_t {
    std::vector<usearch_key_t> sorted;
};

int is_allowed(usearch_key_t key, void* state) {
    auto const& keys = static_cast<allowed_keys_t*>(state)->sorted;
    return std::binary_search(keys.begin(), keys.end(), key) ? 1 : 0;
}

int is_not_excluded(usearch_key_t key, void* state) {
    return is_allowed(key, state) ? 0 : 1;
}

void* direct_region(JNIEnv* env, jobject buffer, jlong offset, jlong length) {
    void* address = env->GetDirectBufferAddress(buffer);
    jlong capacity = env->GetDirectBufferCapacity(buffer);
    if (address == nullptr || capacity < 0) {
        fail(env, "not a direct buffer");
        return nullptr;
    }
    if (offset < 0 || length <= 0 || offset > capacity || length > capacity - offset) {
        fail(env, "buffer region out of bounds");
        return nullptr;
    }
    return static_cast<char*>(address) + offset;
}

/**
 * Checks that a serialized index is a dense f32 index of the expected metric and dimensions, with one vector row
 * of exactly that width per member, before USearch parses it: the kernels read `dimensions` floats per vector.
 */
bool check_serialized(JNIEnv* env, void const* region, jlong length, usearch_metric_kind_t kind, jsize dimensions) {
    usearch_init_options_t options{};
    usearch_error_t error = nullptr;
    usearch_metadata_buffer(region, static_cast<size_t>(length), &options, &error);
    if (!check(env, error)) return false;
    if (options.metric_kind != kind) return fail(env, "the serialized index has another metric");
    if (options.quantization != usearch_scalar_f32_k) return fail(env, "the serialized index is not f32");
    if (options.dimensions != static_cast<size_t>(dimensions)) {
        return fail(env, "the serialized index has other dimensions");
    }
    if (options.multi) return fail(env, "the serialized index is a multi-index");
    std::uint32_t matrix[2];
    if (length < static_cast<jlong>(sizeof(matrix))) return fail(env, "the serialized index has no vector matrix");
    std::copy_n(static_cast<unsigned char const*>(region), sizeof(matrix), reinterpret_cast<unsigned char*>(matrix));
    if (matrix[1] != static_cast<std::uint32_t>(dimensions) * sizeof(float)) {
        return fail(env, "the serialized vectors have another width than the index's dimensions");
    }
    return true;
}

}  // namespace

extern "C" {

JNIEXPORT jstring JNICALL Java_io_indexgate_engine_usearch_USearchNative_version(JNIEnv* env, jclass) {
    return env->NewStringUTF(usearch_version());
}

JNIEXPORT jstring JNICALL Java_io_indexgate_engine_usearch_USearchNative_hardwareAcceleration(JNIEnv* env, jclass) {
    return env->NewStringUTF(usearch_hardware_acceleration_available());
}

JNIEXPORT jstring JNICALL Java_io_indexgate_engine_usearch_USearchNative_kernel(JNIEnv* env, jclass) {
    return env->NewStringUTF(has_avx2_fma() ? "f32 avx2+fma" : "f32 portable");
}

JNIEXPORT jlong JNICALL Java_io_indexgate_engine_usearch_USearchNative_init(JNIEnv* env, jclass, jint metric,
                                                                            jlong dimensions, jlong connectivity,
                                                                            jlong expansion_add,
                                                                            jlong expansion_search) {
    if (dimensions <= 0 || dimensions > 1 << 20 || connectivity <= 0 || expansion_add <= 0 || expansion_search <= 0) {
        fail(env, "USearch options must be positive (and dimensions at most 2^20)");
        return 0;
    }
    usearch_init_options_t options{};
    options.metric_kind = static_cast<usearch_metric_kind_t>(metric);
    options.metric = nullptr;
    options.quantization = usearch_scalar_f32_k;
    options.dimensions = static_cast<size_t>(dimensions);
    options.connectivity = static_cast<size_t>(connectivity);
    options.expansion_add = static_cast<size_t>(expansion_add);
    options.expansion_search = static_cast<size_t>(expansion_search);
    options.multi = false;
    usearch_error_t error = nullptr;
    usearch_index_t index = usearch_init(&options, &error);
    if (error != nullptr || index == nullptr) {
        if (index != nullptr) {
            usearch_error_t ignored = nullptr;
            usearch_free(index, &ignored);
        }
        fail(env, error != nullptr ? error : "usearch_init returned no index");
        return 0;
    }
    if (!install_kernel(env, index, options.metric_kind, static_cast<jsize>(dimensions))) {
        usearch_error_t ignored = nullptr;
        usearch_free(index, &ignored);
        return 0;
    }
    return reinterpret_cast<jlong>(index);
}

JNIEXPORT void JNICALL Java_io_indexgate_engine_usearch_USearchNative_free(JNIEnv*, jclass, jlong handle) {
    if (handle != 0) {
        usearch_error_t error = nullptr;
        usearch_free(reinterpret_cast<usearch_index_t>(handle), &error);
    }
}

JNIEXPORT jlong JNICALL Java_io_indexgate_engine_usearch_USearchNative_size(JNIEnv* env, jclass, jlong handle) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return 0;
    usearch_error_t error = nullptr;
    size_t size = usearch_size(index, &error);
    return check(env, error) ? static_cast<jlong>(size) : 0;
}

JNIEXPORT jlong JNICALL Java_io_indexgate_engine_usearch_USearchNative_capacity(JNIEnv* env, jclass, jlong handle) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return 0;
    usearch_error_t error = nullptr;
    size_t capacity = usearch_capacity(index, &error);
    return check(env, error) ? static_cast<jlong>(capacity) : 0;
}

JNIEXPORT void JNICALL Java_io_indexgate_engine_usearch_USearchNative_reserve(JNIEnv* env, jclass, jlong handle,
                                                                              jlong capacity) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr || capacity < 0) return;
    usearch_error_t error = nullptr;
    usearch_reserve(index, static_cast<size_t>(capacity), &error);
    check(env, error);
}

JNIEXPORT void JNICALL Java_io_indexgate_engine_usearch_USearchNative_changeExpansionSearch(JNIEnv* env, jclass,
                                                                                            jlong handle,
                                                                                            jlong expansion) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr || expansion <= 0) return;
    usearch_error_t error = nullptr;
    usearch_change_expansion_search(index, static_cast<size_t>(expansion), &error);
    check(env, error);
}

// Adds count vectors, row-major in `vectors` (count x the index's dimensions floats), under `keys`.
JNIEXPORT void JNICALL Java_io_indexgate_engine_usearch_USearchNative_add(JNIEnv* env, jclass, jlong handle,
                                                                          jlongArray keys, jfloatArray vectors) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return;
    jsize dimensions = dimensions_of(env, index);
    if (dimensions == 0) return;
    jsize count = env->GetArrayLength(keys);
    if (env->GetArrayLength(vectors) != static_cast<jlong>(count) * dimensions) {
        fail(env, "vectors are not keys x dimensions floats");
        return;
    }
    std::vector<jlong> key_values(static_cast<size_t>(count));
    env->GetLongArrayRegion(keys, 0, count, key_values.data());
    std::vector<float> vector_values(static_cast<size_t>(count) * static_cast<size_t>(dimensions));
    env->GetFloatArrayRegion(vectors, 0, count * dimensions, vector_values.data());
    // A batch is inserted on the calling thread, one vector after another, and the first error stops it (the vectors
    // added before it stay in the index; the Java engine marks them removed). Not on several threads: USearch 2.26's
    // concurrent usearch_add leaves some nodes stored but unreachable by any search (unum-cloud/USearch issue #735:
    // a node's per-level lock is released between levels, so a concurrent inserter can descend onto a node whose
    // lower levels have no links yet). Measured here with two threads: 0.1 to 0.4% of the vectors of a batch were
    // never their own best match, in nearly every build; inserted one at a time, none in 3,600 builds.
    for (jsize i = 0; i < count; i++) {
        usearch_error_t error = nullptr;
        usearch_add(index, static_cast<usearch_key_t>(key_values[i]),
                    vector_values.data() + static_cast<size_t>(i) * static_cast<size_t>(dimensions),
                    usearch_scalar_f32_k, &error);
        if (!check(env, error)) return;
    }
}

// The position in `keys` of the first key the index does not hold, or -1 if it holds them all.
JNIEXPORT jint JNICALL Java_io_indexgate_engine_usearch_USearchNative_firstMissing(JNIEnv* env, jclass, jlong handle,
                                                                                   jlongArray keys) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return -1;
    jsize count = env->GetArrayLength(keys);
    std::vector<jlong> key_values(static_cast<size_t>(count));
    env->GetLongArrayRegion(keys, 0, count, key_values.data());
    for (jsize i = 0; i < count; i++) {
        usearch_error_t error = nullptr;
        bool found = usearch_contains(index, static_cast<usearch_key_t>(key_values[i]), &error);
        if (!check(env, error)) return -1;
        if (!found) return i;
    }
    return -1;
}

JNIEXPORT jboolean JNICALL Java_io_indexgate_engine_usearch_USearchNative_get(JNIEnv* env, jclass, jlong handle,
                                                                              jlong key, jfloatArray out) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return JNI_FALSE;
    jsize dimensions = dimensions_of(env, index);
    if (dimensions == 0) return JNI_FALSE;
    if (env->GetArrayLength(out) != dimensions) {
        fail(env, "the output array's length is not the index's dimensions");
        return JNI_FALSE;
    }
    std::vector<float> vector(static_cast<size_t>(dimensions));
    usearch_error_t error = nullptr;
    size_t found = usearch_get(index, static_cast<usearch_key_t>(key), 1, vector.data(), usearch_scalar_f32_k, &error);
    if (!check(env, error) || found == 0) return JNI_FALSE;
    env->SetFloatArrayRegion(out, 0, dimensions, vector.data());
    return JNI_TRUE;
}

// Searches one query. When `keys` (sorted ascending) is not null, results are restricted to those keys, or with
// `exclude` to every other key; the graph is traversed through all nodes either way. Returns the match count.
JNIEXPORT jint JNICALL Java_io_indexgate_engine_usearch_USearchNative_search(JNIEnv* env, jclass, jlong handle,
                                                                             jfloatArray query, jint count,
                                                                             jlongArray allowed, jboolean exclude,
                                                                             jlongArray keys_out,
                                                                             jfloatArray distances_out) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return 0;
    jsize dimensions = dimensions_of(env, index);
    if (dimensions == 0) return 0;
    if (count <= 0 || env->GetArrayLength(keys_out) < count || env->GetArrayLength(distances_out) < count) {
        fail(env, "search output arrays are shorter than the count");
        return 0;
    }
    if (env->GetArrayLength(query) != dimensions) {
        fail(env, "the query's length is not the index's dimensions");
        return 0;
    }
    std::vector<float> query_values(static_cast<size_t>(dimensions));
    env->GetFloatArrayRegion(query, 0, dimensions, query_values.data());
    std::vector<usearch_key_t> found_keys(static_cast<size_t>(count));
    std::vector<usearch_distance_t> found_distances(static_cast<size_t>(count));
    usearch_error_t error = nullptr;
    size_t found;
    if (allowed == nullptr) {
        found = usearch_search(index, query_values.data(), usearch_scalar_f32_k, static_cast<size_t>(count),
                               found_keys.data(), found_distances.data(), &error);
    } else {
        allowed_keys_t state;
        state.sorted.resize(static_cast<size_t>(env->GetArrayLength(allowed)));
        env->GetLongArrayRegion(allowed, 0, static_cast<jsize>(state.sorted.size()),
                                reinterpret_cast<jlong*>(state.sorted.data()));
        found = usearch_filtered_search(index, query_values.data(), usearch_scalar_f32_k, static_cast<size_t>(count),
                                        exclude ? is_not_excluded : is_allowed, &state, found_keys.data(),
                                        found_distances.data(), &error);
    }
    if (!check(env, error)) return 0;
    env->SetLongArrayRegion(keys_out, 0, static_cast<jsize>(found), reinterpret_cast<jlong*>(found_keys.data()));
    env->SetFloatArrayRegion(distances_out, 0, static_cast<jsize>(found), found_distances.data());
    return static_cast<jint>(found);
}

JNIEXPORT jlong JNICALL Java_io_indexgate_engine_usearch_USearchNative_serializedLength(JNIEnv* env, jclass,
                                                                                       jlong handle) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return 0;
    usearch_error_t error = nullptr;
    size_t length = usearch_serialized_length(index, &error);
    return check(env, error) ? static_cast<jlong>(length) : 0;
}

// A buffer for one save, in native memory the caller frees with freeSaveBuffer once the file is written: not a
// Java direct buffer, which is zeroed page by page when allocated and freed only when the collector finds it (a
// 67 MB save spent more on that than on writing the file). Aligned to 2 MiB and advised for transparent huge pages,
// so that the kernel maps it in a few dozen faults rather than tens of thousands; where huge pages are off the
// advice is ignored and the buffer is still correct.
JNIEXPORT jobject JNICALL Java_io_indexgate_engine_usearch_USearchNative_allocateSaveBuffer(JNIEnv* env, jclass,
                                                                                            jlong length) {
    if (length <= 0 || length > 0x7fffffffL) {
        fail(env, "a save buffer must be 1 byte to 2 GiB long");
        return nullptr;
    }
    constexpr size_t huge_page = size_t{2} << 20;
    size_t size = static_cast<size_t>(length);
    size_t alignment = size >= huge_page ? huge_page : 64;
    size_t rounded = (size + alignment - 1) / alignment * alignment;
    void* memory = nullptr;
    if (posix_memalign(&memory, alignment, rounded) != 0 || memory == nullptr) {
        fail(env, "no native memory for a save buffer of the index", "java/lang/OutOfMemoryError");
        return nullptr;
    }
#ifdef MADV_HUGEPAGE
    if (alignment == huge_page) madvise(memory, rounded, MADV_HUGEPAGE);
#endif
    jobject buffer = env->NewDirectByteBuffer(memory, length);
    if (buffer == nullptr) free(memory);
    return buffer;
}

JNIEXPORT void JNICALL Java_io_indexgate_engine_usearch_USearchNative_freeSaveBuffer(JNIEnv* env, jclass,
                                                                                    jobject buffer) {
    void* memory = buffer == nullptr ? nullptr : env->GetDirectBufferAddress(buffer);
    if (memory == nullptr) {
        fail(env, "not a save buffer");
        return;
    }
    free(memory);
}

JNIEXPORT void JNICALL Java_io_indexgate_engine_usearch_USearchNative_saveBuffer(JNIEnv* env, jclass, jlong handle,
                                                                                 jobject buffer, jlong offset,
                                                                                 jlong length) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return;
    void* region = direct_region(env, buffer, offset, length);
    if (region == nullptr) return;
    usearch_error_t error = nullptr;
    usearch_save_buffer(index, region, static_cast<size_t>(length), &error);
    check(env, error);
}

// Opens a serialized index into the (new) index `handle`: copied into USearch's own memory (`view` false), or viewed
// in place (`view` true: the index then reads `buffer`, which the caller keeps alive and unchanged until it frees
// the index, and refuses additions). Only ever called with bytes whose envelope (length, engine, metric,
// dimensions, CRC32C) Java has verified; their metric, dimensions and vector width are checked again here.
JNIEXPORT void JNICALL Java_io_indexgate_engine_usearch_USearchNative_open(JNIEnv* env, jclass, jlong handle,
                                                                           jobject buffer, jlong offset, jlong length,
                                                                           jint metric, jboolean view) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return;
    void* region = direct_region(env, buffer, offset, length);
    if (region == nullptr) return;
    jsize dimensions = dimensions_of(env, index);
    if (dimensions == 0) return;
    auto kind = static_cast<usearch_metric_kind_t>(metric);
    if (!check_serialized(env, region, length, kind, dimensions)) return;
    usearch_error_t error = nullptr;
    if (view) {
        usearch_view_buffer(index, region, static_cast<size_t>(length), &error);
    } else {
        usearch_load_buffer(index, region, static_cast<size_t>(length), &error);
    }
    if (!check(env, error)) return;
    jsize opened = dimensions_of(env, index);
    if (opened == 0) return;
    if (opened != dimensions) {
        fail(env, "the opened index has other dimensions");
        return;
    }
    // Opening replaces the metric with USearch's built-in one for the file's kind: put ours back.
    install_kernel(env, index, kind, opened);
}

}  // extern "C"
