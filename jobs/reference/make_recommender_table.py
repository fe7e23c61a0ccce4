"""Makes the training table of conf/cases/recommender-table.yaml: bags of 8 token ids with skewed
(Zipf-like) frequencies and a learnable label, plus each id's occurrence count for embedding_rows.py.

A reference maker only (Debian's python3 with numpy, and Java with DuckDB's JDBC jar from ~/.m2 to write
Parquet, since this Python has no Parquet writer); never a runtime dependency of infersweep.

- ids: each of the 8 columns c0..c7 draws id k in [0, vocab) with probability proportional to
  (k + 1)^-exponent (inverse CDF of numpy's PCG64 uniforms from --seed), so id 0 is the most frequent;
  with the defaults (40,000 rows, exponent 1.1, vocab 30,000) the few dozen lowest ids are in most
  minibatches of 64 bags, most ids occur a handful of times and about 29 % never;
- label y: each id has a hidden class, the low bit of a 32-bit integer hash of the id (hidden_class);
  y is the bag's majority class, ties (4 of 8 each) going to the class of c0. A model that learns the
  ids' classes in its table predicts y, so the MLP and the seen rows get a data gradient;
- outputs in --out: train.parquet (c0..c7 BIGINT, y BIGINT; written by ParquetFromCsv.java through
  DuckDB), id_counts.json (occurrences of each id over all rows and columns, the setup, the file's
  SHA-256). The same arguments give the same rows and counts.

  /usr/bin/python3 jobs/reference/make_recommender_table.py --out /tmp/infersweep-rectable
"""
import argparse
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BAG = 8


def hidden_class(ids):
    """Low bit of a 32-bit integer mix (Wang-style) of each id: a fixed pseudo-random class per id."""
    x = ids.astype(np.uint64) & np.uint64(0xFFFFFFFF)
    m = np.uint64(0xFFFFFFFF)
    x = ((x ^ np.uint64(61)) ^ (x >> np.uint64(16))) & m
    x = (x * np.uint64(9)) & m
    x = x ^ (x >> np.uint64(4))
    x = (x * np.uint64(0x27D4EB2D)) & m
    x = x ^ (x >> np.uint64(15))
    return (x & np.uint64(1)).astype(np.int64)


def make(rows, vocab, exponent, seed):
    rng = np.random.default_rng(seed)
    weights = np.arange(1, vocab + 1, dtype=np.float64) ** -exponent
    cdf = np.cumsum(weights / weights.sum())
    ids = np.searchsorted(cdf, rng.random((rows, BAG)), side="right")
    ids = np.minimum(ids, vocab - 1).astype(np.int64)
    ones = hidden_class(ids).sum(axis=1)
    y = np.where(ones * 2 > BAG, 1, np.where(ones * 2 < BAG, 0, hidden_class(ids[:, 0])))
    return ids, y.astype(np.int64)


def duckdb_jar():
    found = sorted(glob.glob(os.path.expanduser("~/.m2/repository/org/duckdb/duckdb_jdbc/*/duckdb_jdbc-*.jar")))
    if not found:
        sys.exit("make_recommender_table: no DuckDB JDBC jar under ~/.m2/repository/org/duckdb/duckdb_jdbc/")
    return found[-1]


def write_parquet(ids, y, path):
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "rows.csv")
        table = np.column_stack([ids, y])
        header = ",".join([f"c{i}" for i in range(BAG)] + ["y"])
        np.savetxt(csv, table, fmt="%d", delimiter=",", header=header, comments="")
        subprocess.run(["java", "-cp", duckdb_jar(), os.path.join(HERE, "ParquetFromCsv.java"), csv, path],
                       check=True)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="folder for train.parquet and id_counts.json")
    ap.add_argument("--rows", type=int, default=40000)
    ap.add_argument("--vocab", type=int, default=30000)
    ap.add_argument("--exponent", type=float, default=1.1)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    ids, y = make(a.rows, a.vocab, a.exponent, a.seed)
    parquet = os.path.join(a.out, "train.parquet")
    write_parquet(ids, y, parquet)
    counts = np.bincount(ids.ravel(), minlength=a.vocab)
    setup = {"rows": a.rows, "vocab": a.vocab, "bag": BAG, "exponent": a.exponent, "seed": a.seed,
             "label": "majority of the ids' hidden classes (hash low bit), ties to c0's class"}
    summary = {"ids_never_seen": int((counts == 0).sum()), "ids_seen_1_to_10": int(((counts >= 1) & (counts <= 10)).sum()),
               "label_1_share": round(float(y.mean()), 4), "top_id_count": int(counts.max())}
    with open(os.path.join(a.out, "id_counts.json"), "w") as f:
        json.dump({"setup": setup, "summary": summary, "parquet_sha256": sha256(parquet),
                   "counts": counts.tolist()}, f)
    print(json.dumps({"out": a.out, **setup, **summary}))


if __name__ == "__main__":
    main()
