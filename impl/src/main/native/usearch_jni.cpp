// JNI glue between io.indexgate.engine.usearch.USearchNative and USearch's C API (c/usearch.h).
// Written for indexgate. Every entry point checks its handle and arguments before calling USearch, and turns a
// USearch error into a Java exception (IllegalStateException), so that no failure is silent and none crashes the JVM.
#include <jni.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "usearch.h"

namespace {

bool fail(JNIEnv* env, char const* message) {
    jclass type = env->FindClass("java/lang/IllegalStateException");
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

}  // namespace

extern "C" {

JNIEXPORT jstring JNICALL Java_io_indexgate_engine_usearch_USearchNative_version(JNIEnv* env, jclass) {
    return env->NewStringUTF(usearch_version());
}

JNIEXPORT jstring JNICALL Java_io_indexgate_engine_usearch_USearchNative_hardwareAcceleration(JNIEnv* env, jclass) {
    return env->NewStringUTF(usearch_hardware_acceleration_available());
}

JNIEXPORT jlong JNICALL Java_io_indexgate_engine_usearch_USearchNative_init(JNIEnv* env, jclass, jint metric,
                                                                            jlong dimensions, jlong connectivity,
                                                                            jlong expansion_add,
                                                                            jlong expansion_search) {
    if (dimensions <= 0 || connectivity <= 0 || expansion_add <= 0 || expansion_search <= 0) {
        fail(env, "USearch options must be positive");
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
    if (!check(env, error)) {
        if (index != nullptr) {
            usearch_free(index, &error);
        }
        return 0;
    }
    if (index == nullptr) {
        fail(env, "usearch_init returned no index");
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

// Adds count vectors, row-major in `vectors` (count x dimensions floats), under `keys`.
JNIEXPORT void JNICALL Java_io_indexgate_engine_usearch_USearchNative_add(JNIEnv* env, jclass, jlong handle,
                                                                          jlongArray keys, jfloatArray vectors,
                                                                          jint dimensions) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return;
    jsize count = env->GetArrayLength(keys);
    if (dimensions <= 0 || env->GetArrayLength(vectors) != static_cast<jlong>(count) * dimensions) {
        fail(env, "keys and vectors differ in length");
        return;
    }
    std::vector<jlong> key_values(static_cast<size_t>(count));
    env->GetLongArrayRegion(keys, 0, count, key_values.data());
    std::vector<float> vector_values(static_cast<size_t>(count) * static_cast<size_t>(dimensions));
    env->GetFloatArrayRegion(vectors, 0, count * dimensions, vector_values.data());
    for (jsize i = 0; i < count; i++) {
        usearch_error_t error = nullptr;
        usearch_add(index, static_cast<usearch_key_t>(key_values[i]),
                    vector_values.data() + static_cast<size_t>(i) * static_cast<size_t>(dimensions),
                    usearch_scalar_f32_k, &error);
        if (!check(env, error)) return;
    }
}

JNIEXPORT jboolean JNICALL Java_io_indexgate_engine_usearch_USearchNative_contains(JNIEnv* env, jclass, jlong handle,
                                                                                   jlong key) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return JNI_FALSE;
    usearch_error_t error = nullptr;
    bool found = usearch_contains(index, static_cast<usearch_key_t>(key), &error);
    return check(env, error) && found ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_io_indexgate_engine_usearch_USearchNative_get(JNIEnv* env, jclass, jlong handle,
                                                                              jlong key, jfloatArray out) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return JNI_FALSE;
    std::vector<float> vector(static_cast<size_t>(env->GetArrayLength(out)));
    usearch_error_t error = nullptr;
    size_t found = usearch_get(index, static_cast<usearch_key_t>(key), 1, vector.data(), usearch_scalar_f32_k, &error);
    if (!check(env, error) || found == 0) return JNI_FALSE;
    env->SetFloatArrayRegion(out, 0, static_cast<jsize>(vector.size()), vector.data());
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
    if (count <= 0 || env->GetArrayLength(keys_out) < count || env->GetArrayLength(distances_out) < count) {
        fail(env, "search output arrays are shorter than the count");
        return 0;
    }
    std::vector<float> query_values(static_cast<size_t>(env->GetArrayLength(query)));
    env->GetFloatArrayRegion(query, 0, static_cast<jsize>(query_values.size()), query_values.data());
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

static void* direct_region(JNIEnv* env, jobject buffer, jlong offset, jlong length) {
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

// Only ever called with bytes whose envelope (length, engine, metric, dimensions, CRC32C) Java has verified.
JNIEXPORT void JNICALL Java_io_indexgate_engine_usearch_USearchNative_loadBuffer(JNIEnv* env, jclass, jlong handle,
                                                                                 jobject buffer, jlong offset,
                                                                                 jlong length) {
    usearch_index_t index = index_of(env, handle);
    if (index == nullptr) return;
    void* region = direct_region(env, buffer, offset, length);
    if (region == nullptr) return;
    usearch_error_t error = nullptr;
    usearch_load_buffer(index, region, static_cast<size_t>(length), &error);
    check(env, error);
}

}  // extern "C"
