#!/usr/bin/env bash
# Builds libindexgate_fsmodel.so, the preloaded library of the power-loss model below the JVM (see fsmodel.c), into
# the harness jar. It is small and plain C: gcc and glibc's headers are all it needs.
#
# usage: build-fsmodel.sh <source dir> <output dir>
set -euo pipefail
source="$1"; output="$2"
if ! command -v gcc >/dev/null 2>&1; then
    echo "ERROR: 'gcc' was not found; the harness needs it to build its file-system model (fsmodel.c). Install gcc." >&2
    exit 1
fi
mkdir -p "$output"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -fPIC -shared -o "$output/libindexgate_fsmodel.so.tmp" \
    "$source/fsmodel.c" -ldl -lpthread
mv "$output/libindexgate_fsmodel.so.tmp" "$output/libindexgate_fsmodel.so"
