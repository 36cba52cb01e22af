#!/usr/bin/env bash
# Builds libindexgate_usearch.so for the impl jar: USearch's C library, taken from the official npm release of
# USearch (package "usearch"), compiled with g++ together with our JNI glue. Nothing of USearch is committed: the
# package is fetched into target/ and the library is rebuilt only when the version, the glue, the flags or this
# script change.
#
# usage: build-usearch.sh <usearch version> <java home> <work dir> <output dir> <glue dir> <simd: true|false>
set -euo pipefail
version="$1"; java_home="$2"; work="$3"; output="$4"; glue="$5"; simd="$6"

need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "ERROR: '$1' was not found, and the USearch engine needs it to build (npm fetches USearch's official" >&2
        echo "release, g++ compiles it). Install $1, or build everything but the USearch engine with -Dusearch.skip=true" >&2
        exit 1
    fi
}
need npm; need node; need g++; need gcc; need tar

if [ ! -f "$java_home/include/jni.h" ] && [ -f "$java_home/../include/jni.h" ]; then java_home="$java_home/.."; fi
[ -f "$java_home/include/jni.h" ] || { echo "ERROR: jni.h not found under $java_home/include: build with a JDK" >&2; exit 1; }

flags_cxx="-O3 -fPIC -std=c++17 -fvisibility=hidden -Wno-unknown-pragmas -Wno-maybe-uninitialized"
flags_c="-std=c11 -O3 -fPIC -DNK_NATIVE_F16=0 -DNK_NATIVE_BF16=0 -DNK_DYNAMIC_DISPATCH=1 -Wno-psabi -Wno-unknown-pragmas"
stamp="$(cat "$0" "$glue"/*.cpp | sha256sum | cut -c1-16)-$version-simd-$simd"
library="$work/libindexgate_usearch.so"
mkdir -p "$work" "$output"

if [ -f "$library" ] && [ "$(cat "$work/stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "USearch $version: reusing $library (unchanged)"
else
    package="$work/package"
    if [ ! -f "$package/c/lib.cpp" ]; then
        echo "USearch $version: fetching the npm package"
        rm -rf "$package" "$work"/usearch-*.tgz
        (cd "$work" && npm pack --silent "usearch@$version" >/dev/null)
        tar -xzf "$work/usearch-$version.tgz" -C "$work"
    fi
    objects=()
    defines="-DUSEARCH_USE_OPENMP=0"
    if [ "$simd" = "true" ]; then
        # NumKong's objects depend on its version and flags only, not on our glue: reused while those are unchanged.
        numkong_stamp="$version $flags_c"
        for source in "$package"/numkong/c/numkong.c "$package"/numkong/c/dispatch_*.c; do
            objects+=("$work/numkong/$(basename "$source" .c).o")
        done
        if [ "$(cat "$work/numkong/stamp" 2>/dev/null)" = "$numkong_stamp" ]; then
            echo "USearch $version: reusing the compiled NumKong SIMD kernels"
        else
            echo "USearch $version: compiling the NumKong SIMD kernels (runtime dispatch)"
            (cd "$package/numkong" && node probes/probe.js >/dev/null)
            rm -rf "$work/numkong"
            mkdir -p "$work/numkong"
            pids=()
            jobs_max=$(nproc)
            for object in "${objects[@]}"; do
                source="$package/numkong/c/$(basename "$object" .o).c"
                gcc $flags_c -include "$package/numkong/nk_probes.h" -I"$package/numkong/include" -c "$source" \
                    -o "$object" &
                pids+=($!)
                while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do sleep 0.2; done
            done
            for pid in "${pids[@]}"; do wait "$pid"; done
            echo "$numkong_stamp" > "$work/numkong/stamp"
        fi
        defines="$defines -DUSEARCH_USE_NUMKONG=1 -DNK_DYNAMIC_DISPATCH=1 -I$package/numkong/include"
    else
        defines="$defines -DUSEARCH_USE_NUMKONG=0"
    fi
    echo "USearch $version: compiling the C library and the JNI glue"
    g++ $flags_cxx $defines -I"$package/include" -I"$package/c" -I"$java_home/include" -I"$java_home/include/linux" \
        -shared -o "$library.tmp" "$package/c/lib.cpp" "$glue/usearch_jni.cpp" "${objects[@]}" -lpthread
    mv "$library.tmp" "$library"
    echo "$stamp" > "$work/stamp"
fi
cp "$library" "$output/libindexgate_usearch.so"
