"""How the rows of a checkpoint's embedding table stand by how often each id occurred in the training
table: the direct answer to "do rarely-seen rows decay into subnormals, and do the MLP and the head
rows stay normal?" (conf/cases/recommender-table.yaml). Debian's PyTorch 1.13; a reference only.

For each checkpoint (a TorchScript file, torch.jit.load) and the per-id counts that
make_recommender_table.py wrote (id_counts.json), the table's rows are grouped by count into buckets
(default: never 0, rare 1-10, frequent 11-624, head >= 625 -- 625 being the steps of an epoch of
40,000 rows in minibatches of 64, so a head id is on average in every minibatch); per bucket it reports
the ids, the share of values that are subnormal ((v != 0) & (|v| < fp32's smallest normal)), the share
of rows whose 16 values are all subnormal or zero, the share of zero values, and the median and largest
|value|. Every other floating tensor (the MLP) gets the same counts as a whole (ref_common.subnormal_stats).

With --zeroed-parts DIR it also writes, for each checkpoint, two TorchScript copies for eval_timing.py:
STEM.table-zeroed.pt (the table's subnormal values set to +0, the MLP untouched) and STEM.mlp-zeroed.pt
(the other way round), so that timing them tells whether the table's rows or the MLP's own subnormal
weights are what slows a call.

  /usr/bin/python3 jobs/reference/embedding_rows.py --counts /tmp/infersweep-rectable/id_counts.json \
      [--edges 1 11 625] [--table embedding.weight] [--json OUT.json] [--zeroed-parts DIR] CHECKPOINT.pt ...
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_common  # noqa: E402


def buckets(counts, edges):
    """(name, mask) per bucket: [0, e0) is 'never' when e0 == 1, then [e_i, e_i+1), the last open."""
    bounds = [0] + list(edges) + [None]
    out = []
    for lo, hi in zip(bounds, bounds[1:]):
        mask = counts >= lo if hi is None else (counts >= lo) & (counts < hi)
        name = "never (0)" if (lo, hi) == (0, 1) else (f"{lo}+" if hi is None else f"{lo}-{hi - 1}")
        out.append((name, mask))
    return out


def bucket_stats(rows, mask):
    r = rows[mask]
    if r.numel() == 0:
        return {"ids": 0}
    tiny = torch.finfo(r.dtype).tiny
    sub = (r != 0) & (r.abs() < tiny)
    dead = ((r == 0) | sub).all(dim=1)
    a = r.abs()
    return {"ids": int(mask.sum()), "values": r.numel(),
            "subnormal_share": round(float(sub.float().mean()), 6),
            "rows_all_subnormal_or_zero_share": round(float(dead.float().mean()), 6),
            "zero_share": round(float((r == 0).float().mean()), 6),
            "median_abs": float(a.median()), "max_abs": float(a.max())}


def report(path, counts, edges, table):
    m = torch.jit.load(path, map_location="cpu")
    state = m.state_dict()
    if table not in state:
        sys.exit(f"embedding_rows: {path}: no tensor '{table}' (has: {', '.join(state)})")
    rows = state[table].detach()
    if rows.shape[0] != counts.numel():
        sys.exit(f"embedding_rows: {path}: '{table}' has {rows.shape[0]} rows, the counts {counts.numel()} ids")
    per_bucket = {name: bucket_stats(rows, mask) for name, mask in buckets(counts, edges)}
    others = {n: ref_common.subnormal_stats(t) for n, t in state.items() if n != table and t.is_floating_point()}
    return {"table": table, "buckets": per_bucket, "all_rows": bucket_stats(rows, torch.ones_like(counts, dtype=torch.bool)),
            "other_tensors": others}


def write_zeroed_parts(path, table, out_dir):
    """The checkpoint twice: its table's subnormals zeroed, then its other tensors' subnormals zeroed."""
    stem = os.path.splitext(os.path.basename(path))[0]
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for part, zero_table in (("table-zeroed", True), ("mlp-zeroed", False)):
        m = torch.jit.load(path, map_location="cpu")
        with torch.no_grad():
            for name, t in m.state_dict().items():
                if t.is_floating_point() and (name == table) == zero_table:
                    t[(t != 0) & (t.abs() < torch.finfo(t.dtype).tiny)] = 0.0
        target = os.path.join(out_dir, f"{stem}.{part}.pt")
        torch.jit.save(m, target)
        written.append(target)
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoints", nargs="+")
    ap.add_argument("--counts", required=True, help="id_counts.json of make_recommender_table.py")
    ap.add_argument("--edges", type=int, nargs="+", default=[1, 11, 625],
                    help="ascending lower bounds of the buckets after the first (default 1 11 625)")
    ap.add_argument("--table", default="embedding.weight", help="the embedding tensor's state_dict name")
    ap.add_argument("--json", help="also write the result here")
    ap.add_argument("--zeroed-parts", metavar="DIR", help="also write STEM.table-zeroed.pt and STEM.mlp-zeroed.pt here")
    a = ap.parse_args()
    if a.edges != sorted(set(a.edges)) or a.edges[0] < 1:
        sys.exit("embedding_rows: --edges must be distinct, ascending and >= 1")
    stems = [os.path.splitext(os.path.basename(p))[0] for p in a.checkpoints]
    if a.zeroed_parts and len(set(stems)) != len(stems):
        sys.exit("embedding_rows: --zeroed-parts: two checkpoints share a file name; give one run's files at a time")
    with open(a.counts) as f:
        meta = json.load(f)
    counts = torch.tensor(meta["counts"], dtype=torch.long)
    result = {"environment": ref_common.environment(), "counts_setup": meta["setup"],
              "counts_parquet_sha256": meta.get("parquet_sha256"), "edges": a.edges,
              "checkpoints": {p: report(p, counts, a.edges, a.table) for p in a.checkpoints}}
    if a.zeroed_parts:
        result["zeroed_parts"] = {p: write_zeroed_parts(p, a.table, a.zeroed_parts) for p in a.checkpoints}
    if a.json:
        ref_common.write_json(a.json, result)
    for p, r in result["checkpoints"].items():
        print(p)
        for name, s in r["buckets"].items():
            if s["ids"]:
                print(f"  {name:>10}: {s['ids']:6d} ids  subnormal {s['subnormal_share']:.4f}  rows all sub/zero "
                      f"{s['rows_all_subnormal_or_zero_share']:.4f}  median |v| {s['median_abs']:.2e}  max {s['max_abs']:.2e}")
        for n, s in r["other_tensors"].items():
            print(f"  {n:>16}: {s['subnormal']}/{s['numel']} subnormal")


if __name__ == "__main__":
    main()
