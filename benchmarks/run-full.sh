#!/usr/bin/env bash
# The full benchmark run, as the README's table was made: builds the cached inputs first (datasets, ground truth,
# indexes; minutes the first time, then reused), measures C++ hnswlib on the same data when Debian's python3-hnswlib
# is installed, runs every JMH benchmark with its annotated settings, then the default durability campaign (for the
# gate's cycles per minute, about 3 minutes), and writes the report and the chart.
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
if [ ! -f "$jar" ] || [ ! -f harness/target/indexgate.jar ]; then
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
# The gate's speed: the default campaign (the README's main command) at its default parallelism, a fixed seed; its
# verdict.json goes beside the results as NAME.gate.json, where Report reads the cycles per minute.
gate_reports="$(mktemp -d "${TMPDIR:-/tmp}/indexgate-bench-gate.XXXXXX")"
java -jar harness/target/indexgate.jar run --seed 20261124 --report-dir "$gate_reports" | tee "$name.gate.log"
cp "$gate_reports/latest/verdict.json" "$name.gate.json"
rm -rf "$gate_reports"
gated=$(date +%s)
java -Dindexgate.bench.dir="$cache" -cp "$jar" io.indexgate.bench.Report "$name.json"
echo "prepare: $((prepared - start)) s, JMH: $((finished - prepared)) s, gate: $((gated - finished)) s" \
    | tee -a "$name.log"
