#!/usr/bin/env bash
# The full benchmark run, as the README's table was made: builds the cached inputs first (datasets, ground truth,
# indexes; minutes the first time, then reused), measures C++ hnswlib on the same data when Debian's python3-hnswlib
# is installed, runs every JMH benchmark with its annotated settings, and writes the report and the chart.
#
# usage: benchmarks/run-full.sh [OUTPUT_DIR] [extra JMH options...]
#   OUTPUT_DIR  default benchmarks/results; gets RESULTS.json, RESULTS.md, RESULTS.svg and the JMH log
#   cache       -Dindexgate.bench.dir via INDEXGATE_BENCH_DIR (default: ${TMPDIR:-/tmp}/indexgate-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-benchmarks/results}"
shift || true
jar=benchmarks/target/benchmarks.jar
cache="${INDEXGATE_BENCH_DIR:-${TMPDIR:-/tmp}/indexgate-bench}"
if [ ! -f "$jar" ]; then
    ./mvnw -B -q package -DskipTests
fi
mkdir -p "$out"
stamp="$(date -u +%Y-%m-%d)"
name="$out/jmh-$stamp"
start=$(date +%s)
java -Xmx12g -Dindexgate.bench.dir="$cache" -cp "$jar" io.indexgate.bench.Prepare | tee "$name.prepare.log"
if /usr/bin/python3 -c 'import hnswlib, numpy' 2>/dev/null; then
    /usr/bin/python3 benchmarks/reference/cpp_hnswlib.py "$cache" 100000 128 | tee -a "$name.prepare.log"
else
    echo "python3-hnswlib not installed: the report compares with the issue's published C++ hnswlib figure"
fi
prepared=$(date +%s)
java -Dindexgate.bench.dir="$cache" -jar "$jar" -rf json -rff "$name.json" "$@" | tee "$name.log"
finished=$(date +%s)
java -Dindexgate.bench.dir="$cache" -cp "$jar" io.indexgate.bench.Report "$name.json"
echo "prepare: $((prepared - start)) s, JMH: $((finished - prepared)) s" | tee -a "$name.log"
