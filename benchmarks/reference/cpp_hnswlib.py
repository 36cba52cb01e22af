#!/usr/bin/python3
"""C++ hnswlib on the benchmarks' own data: the reference for the search targets of the README.

Reads the cached dataset and ground truth that the JMH benchmarks use (run io.indexgate.bench.Prepare first), builds
an hnswlib index with the engines' parameters (M=16, efConstruction=128, ef=128, cosine), measures single-thread
queries/s at k=10 over the same 500 queries and their recall@10, and records both as facts that
io.indexgate.bench.Report uses in place of the issue's published figure.

Needs Debian's python3-hnswlib (apt-get install python3-hnswlib); run with /usr/bin/python3:
    /usr/bin/python3 benchmarks/reference/cpp_hnswlib.py [CACHE_DIR] [SIZE] [DIMS]
"""
import json
import os
import struct
import sys
import tempfile
import time

import hnswlib
import numpy as np

SEED = 20261124
QUERIES, K = 500, 10


def main():
    cache = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(), "indexgate-bench")
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    dims = int(sys.argv[3]) if len(sys.argv) > 3 else 128
    data_file = os.path.join(cache, "data", f"clustered-n{size}-d{dims}-s{SEED}.f32")
    truth_file = os.path.join(cache, "data", f"truth-n{size}-d{dims}-s{SEED}-q{QUERIES}-k{K}.i32")
    with open(data_file, "rb") as f:
        magic, n, d, q = struct.unpack("<iiii", f.read(16))
        if (magic, n, d, q) != (0x49474244, size, dims, QUERIES):
            sys.exit(f"{data_file}: unexpected header {(hex(magic), n, d, q)}")
        floats = np.frombuffer(f.read(), dtype="<f4").reshape(n + q, d)
    vectors, queries = floats[:n], floats[n:]
    truth = np.fromfile(truth_file, dtype="<i4").reshape(QUERIES, K)

    index = hnswlib.Index(space="cosine", dim=dims)
    index.init_index(max_elements=n, M=16, ef_construction=128, random_seed=100)
    start = time.perf_counter()
    index.add_items(vectors, np.arange(n), num_threads=os.cpu_count())
    build = time.perf_counter() - start
    index.set_ef(128)

    labels, _ = index.knn_query(queries, k=K, num_threads=1)
    recall = float(np.mean([len(set(labels[i]) & set(truth[i])) / K for i in range(QUERIES)]))

    # One query per call, one thread, as the JMH benchmark does; about five seconds.
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < 5:
        for i in range(QUERIES):
            index.knn_query(queries[i:i + 1], k=K, num_threads=1)
        done += QUERIES
    qps = done / (time.perf_counter() - start)

    facts = {"qps": qps, "recall10": recall, "buildSeconds": build, "hnswlib": "python3-hnswlib (Debian)",
             "M": 16, "efConstruction": 128, "ef": 128, "threads": 1}
    os.makedirs(os.path.join(cache, "facts"), exist_ok=True)
    out = os.path.join(cache, "facts", f"cpp-hnswlib-n{size}-d{dims}.json")
    with open(out + ".tmp", "w") as f:
        json.dump(facts, f, indent=2)
    os.replace(out + ".tmp", out)
    print(f"C++ hnswlib {size}x{dims}: {qps:.0f} queries/s (1 thread) at recall@10 {recall:.4f}; built in "
          f"{build:.1f} s; wrote {out}")


if __name__ == "__main__":
    main()
