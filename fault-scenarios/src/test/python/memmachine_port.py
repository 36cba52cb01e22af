#!/usr/bin/env python3
"""A Python port of the persistence of MemMachine's SQLiteVectorStore with the fix of its PR #1460 ("Atomically swap
vector search engine index files on save"), gated by indexgate through its workload protocol (JSON lines on standard
input and output; the README's "Gating your own store" specifies it).

Rows live in SQLite (records, a pending-operation log, index_saved); the ANN index is an hnswlib graph (Debian's
python3-hnswlib) in one file. A save writes the index with atomic_index_write (a sibling temp file, fsync, rename
over the target) and only then commits: the applied pending operations are forgotten and index_saved is set. Opening
clears stale temps (clear_stale_index_temp), loads the index if index_saved (a missing or unreadable file is an
IndexLoadError, never a silent rebuild) and replays the pending log.

    memmachine_port.py --variant proposed   the PR as proposed: the temp is fsynced, the directory is not
    memmachine_port.py --variant fixed      with the directory fsync after the rename, as the reference does

Under a power cut the proposed variant can lose the rename after index_saved was committed (indexgate catches it);
the fixed one cannot. The engine rebuilds its graph from the live vectors on every change (the workload holds a few
dozen records), which keeps hnswlib's own deletion out of what is under test: the persistence.
"""
import argparse
import fcntl
import hashlib
import json
import os
import secrets
import sqlite3
import struct
import sys
import uuid as uuids

import hnswlib
import numpy as np

INDEX = "index.hnsw"
DATABASE = "store.db"
LOCK = "store.lock"


def atomic_index_write(index, path, fsync_directory):
    """PR #1460: write the index to a sibling temp, fsync it, rename it over the target (and fsync the directory)."""
    directory = os.path.dirname(path)
    temp = "%s.%s.tmp" % (path, secrets.token_hex(8))
    try:
        index.save_index(temp)
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    if fsync_directory:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def stale_temps(path):
    directory, name = os.path.split(path)
    if not os.path.isdir(directory):
        return []
    return sorted(f for f in os.listdir(directory) if f.startswith(name + ".") and f.endswith(".tmp"))


def clear_stale_index_temp(path):
    """PR #1460: a temp left by a crashed save is never the index; delete it before loading."""
    for name in stale_temps(path):
        os.unlink(os.path.join(os.path.dirname(path), name))


def fingerprint_of_file(path):
    with open(path, "rb") as f:
        return "%d:%s" % (os.path.getsize(path), hashlib.sha256(f.read()).hexdigest()[:32])


def encode(vector):
    return struct.pack("<%df" % len(vector), *vector)


def decode(blob):
    return list(struct.unpack("<%df" % (len(blob) // 4), blob))


class Refused(Exception):
    def __init__(self, refusal, message):
        super().__init__(message)
        self.refusal = refusal


class Store:
    def __init__(self, directory, dimensions, fsync_directory):
        self.directory = directory
        self.dimensions = dimensions
        self.fsync_directory = fsync_directory
        self.index_path = os.path.join(directory, INDEX)
        os.makedirs(directory, exist_ok=True)
        self.lock = open(os.path.join(directory, LOCK), "a")
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.lock.close()
            raise Refused("owner", "the data directory %s is in use by another process" % directory)
        self.db = sqlite3.connect(os.path.join(directory, DATABASE), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER)")
        self.db.execute("CREATE TABLE IF NOT EXISTS labels (label INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT, "
                        "vector BLOB)")
        self.db.execute("CREATE TABLE IF NOT EXISTS records (uuid TEXT PRIMARY KEY, label INTEGER)")
        self.db.execute("CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT, "
                        "uuid TEXT, label INTEGER)")
        self.live = set()
        self.label_of = {}
        self.applied_up_to = 0
        self.recover()

    def labels(self, labels):
        rows = {}
        for label in labels:
            row = self.db.execute("SELECT uuid, vector FROM labels WHERE label = ?", (label,)).fetchone()
            rows[label] = (row[0], decode(row[1])) if row else None
        return rows

    def recover(self):
        clear_stale_index_temp(self.index_path)
        saved = self.db.execute("SELECT value FROM meta WHERE key = 'index_saved'").fetchone()
        if saved and saved[0] == 1:
            try:
                index = hnswlib.Index(space="cosine", dim=self.dimensions)
                index.load_index(self.index_path)
                self.live = set(int(label) for label in index.get_ids_list())
            except Exception as e:
                raise Refused("index", "IndexLoadError: the saved index %s cannot be loaded: %r" % (self.index_path, e))
        for label, (uuid, _) in self.labels(self.live).items():
            self.label_of[uuid] = label
        pending = self.db.execute("SELECT id, op, uuid, label FROM pending ORDER BY id").fetchall()
        for id_, op, uuid, label in pending:
            self.apply(op, uuid, label)
            self.applied_up_to = id_
        self.rebuild()

    def apply(self, op, uuid, label):
        old = self.label_of.pop(uuid, None)
        if old is not None:
            self.live.discard(old)
        if op == "upsert":
            self.live.add(label)
            self.label_of[uuid] = label

    def rebuild(self):
        self.index = hnswlib.Index(space="cosine", dim=self.dimensions)
        self.index.init_index(max_elements=max(16, len(self.live)), ef_construction=100, M=16, random_seed=100)
        labels = sorted(self.live)
        if labels:
            vectors = self.labels(labels)
            self.index.add_items(np.array([vectors[label][1] for label in labels], dtype=np.float32),
                                 np.array(labels), num_threads=1)
        self.index.set_ef(64)

    def upsert(self, ids, vectors):
        if len(set(ids)) != len(ids):
            raise ValueError("an id appears twice in one upsert")
        logged = []
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for uuid, vector in zip(ids, vectors):
                if len(vector) != self.dimensions:
                    raise ValueError("a vector of %d components, not %d" % (len(vector), self.dimensions))
                label = self.db.execute("INSERT INTO labels (uuid, vector) VALUES (?, ?)",
                                        (uuid, encode(vector))).lastrowid
                self.db.execute("INSERT OR REPLACE INTO records (uuid, label) VALUES (?, ?)", (uuid, label))
                id_ = self.db.execute("INSERT INTO pending (op, uuid, label) VALUES ('upsert', ?, ?)",
                                      (uuid, label)).lastrowid
                logged.append((id_, uuid, label))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        for id_, uuid, label in logged:
            self.apply("upsert", uuid, label)
            self.applied_up_to = id_
        self.rebuild()

    def delete(self, ids):
        logged = []
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for uuid in ids:
                self.db.execute("DELETE FROM records WHERE uuid = ?", (uuid,))
                id_ = self.db.execute("INSERT INTO pending (op, uuid, label) VALUES ('delete', ?, NULL)",
                                      (uuid,)).lastrowid
                logged.append((id_, uuid))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        for id_, uuid in logged:
            self.apply("delete", uuid, None)
            self.applied_up_to = id_
        self.rebuild()

    def save(self):
        atomic_index_write(self.index, self.index_path, self.fsync_directory)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM pending WHERE id <= ?", (self.applied_up_to,))
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('index_saved', 1)")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def query(self, vector, k):
        k = min(k, len(self.live))
        if k == 0:
            return []
        try:
            labels, _ = self.index.knn_query(np.array([vector], dtype=np.float32), k=k)
            found = [int(label) for label in labels[0]]
        except RuntimeError:
            found = self.exact(vector, k)
        rows = self.labels(found)
        return [rows[label][0] for label in found if rows[label]]

    def exact(self, vector, k):
        query = np.array(vector, dtype=np.float64)
        query /= np.linalg.norm(query) or 1.0
        scored = []
        for label, row in self.labels(self.live).items():
            v = np.array(row[1], dtype=np.float64)
            scored.append((-float(np.dot(query, v / (np.linalg.norm(v) or 1.0))), label))
        return [label for _, label in sorted(scored)[:k]]

    def records(self):
        rows = self.db.execute("SELECT r.uuid, l.vector FROM records r JOIN labels l ON l.label = r.label")
        return {uuid: decode(vector) for uuid, vector in rows}

    def index_contents(self):
        contents = {}
        for label in (int(label) for label in self.index.get_ids_list()):
            row = self.labels([label])[label]
            uuid = row[0] if row else str(uuids.UUID(int=(0xdead << 64) | label))
            contents[uuid] = row[1] if row else [0.0] * self.dimensions
        return contents

    def fingerprint(self):
        # Beside the data directory, not in the system's temp directory: a process killed here leaves nothing there.
        scratch = self.directory.rstrip("/") + ".scratch"
        os.makedirs(scratch, exist_ok=True)
        path = os.path.join(scratch, INDEX)
        self.index.save_index(path)
        try:
            return fingerprint_of_file(path)
        finally:
            os.unlink(path)

    def close(self):
        self.save()
        self.db.close()
        self.lock.close()


def persisted(directory, dimensions):
    path = os.path.join(directory, INDEX)
    if not os.path.exists(path):
        return "absent"
    try:
        hnswlib.Index(space="cosine", dim=dimensions).load_index(path)
    except Exception as e:
        return "unreadable: %r" % e
    return fingerprint_of_file(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", choices=["proposed", "fixed"], required=True)
    arguments = parser.parse_args()
    store = None
    for line in sys.stdin:
        request = json.loads(line)
        op = request.get("op")
        response = {"ok": True}
        try:
            if op == "open":
                store = Store(request["dataDir"], request["dimensions"], arguments.variant == "fixed")
            elif op == "persisted":
                path = os.path.join(request["dataDir"], INDEX)
                response["fingerprint"] = persisted(request["dataDir"], request["dimensions"])
                response["temps"] = stale_temps(path)
            elif op == "upsert":
                store.upsert(request["ids"], request["vectors"])
            elif op == "delete":
                store.delete(request["ids"])
            elif op == "query":
                response["ids"] = store.query(request["vector"], request["k"])
            elif op == "records":
                response["records"] = store.records()
            elif op == "index":
                response["index"] = store.index_contents()
            elif op == "fingerprint":
                response["fingerprint"] = store.fingerprint()
            elif op == "save":
                store.save()
            elif op == "close":
                store.close()
                print(json.dumps(response), flush=True)
                return
            else:
                response = {"ok": False, "error": "unknown op %r" % op}
        except Refused as e:
            response = {"ok": False, "error": str(e), "refusal": e.refusal}
        except Exception as e:
            response = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(response), flush=True)
    # The end of the input: stop without saving, as a crash would (every acknowledged change is in SQLite).


if __name__ == "__main__":
    main()
