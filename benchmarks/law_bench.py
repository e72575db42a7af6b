"""Benchmark of roxham.law: µs per determine() with its trace, and evaluate_batch() throughput.

Fixed configuration: determine() over the 69 facts of tests/law/data/cases.csv (pre-validated,
and from dicts), best of 3 x repeat timings of 10 passes; evaluate_batch() on 1,000,000
generated rows (seed 20041229) on one core (the kernel is not parallel). Goals (issue 2):
< 100 µs per determine(), >= 5,000,000 determinations/s. Times are the CPU time of this
process (time.process_time), so other load on a shared machine does not inflate them. The
last line printed is one JSON object.

Usage: python benchmarks/law_bench.py [--rows N] [--repeat R]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from roxham.law import Facts, columns_from_facts, determine, evaluate_batch
from roxham.law.batch import COLUMNS
from roxham.law.reform import day_number

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "law" / "data" / "cases.csv"


def generated_columns(n: int, seed: int = 20041229) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """``n`` rows of varied facts (all routes, dates 2003–2027, family/doc masks, priors)."""
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    for name, (dtype, default, _) in COLUMNS.items():
        cols[name] = np.full(n, default, dtype=dtype)
    start, end = day_number(dt.date(2003, 1, 1)), day_number(dt.date(2027, 1, 1))
    entry = rng.integers(start, end, n).astype(np.int32)
    gap = np.where(rng.random(n) < 0.7, rng.integers(0, 20, n), rng.integers(0, 800, n))
    claim = (entry + gap).astype(np.int32)
    cols["entry_date"], cols["claim_date"] = entry, claim
    cols["entry_mode"] = rng.choice(5, n, p=[0.45, 0.4, 0.1, 0.03, 0.02]).astype(np.int8)
    cols["claim_where"] = rng.choice(3, n, p=[0.8, 0.2, 0.0]).astype(np.int8)
    cols["nat_us"] = rng.random(n) < 0.03
    cols["stateless"] = rng.random(n) < 0.01
    cols["fhr_us"] = cols["stateless"] & (rng.random(n) < 0.5)
    cols["from_us"] = rng.random(n) < 0.97
    cols["age"] = np.where(rng.random(n) < 0.1, rng.integers(0, 18, n), -1).astype(np.int16)
    cols["accompanied_by_parent_or_guardian"] = rng.random(n) < 0.8
    cols["parent_or_guardian_in_ca_or_us"] = rng.random(n) < 0.8
    cols["family_mask"] = np.where(rng.random(n) < 0.2, 1 << rng.integers(0, 6, n), 0).astype(
        np.int32
    )
    cols["docs_f"] = rng.random(n) < 0.05
    cols["visa_req_ca"] = rng.integers(-1, 2, n).astype(np.int8)
    cols["visa_req_us"] = rng.integers(-1, 2, n).astype(np.int8)
    cols["tsr_national"] = rng.random(n) < 0.05
    cols["prior_canada_claim"] = np.where(rng.random(n) < 0.05, rng.integers(1, 6, n), 0).astype(
        np.int8
    )
    cols["other_country_claim_confirmed"] = rng.random(n) < 0.02
    cols["entries"] = np.where(
        rng.random((n, 1)) < 0.1, claim[:, None] - rng.integers(0, 900, (n, 1)), 2**31 - 1
    ).astype(np.int32)
    as_of = (claim + np.where(rng.random(n) < 0.5, 0, rng.integers(0, 400, n))).astype(np.int32)
    return cols, as_of


def bench_determine(repeat: int) -> tuple[float, float]:
    rows = list(csv.DictReader(CASES.open(encoding="utf-8")))
    raw = [(json.loads(r["facts"]), dt.date.fromisoformat(r["as_of_date"])) for r in rows]
    facts = [(Facts.model_validate(d), a) for d, a in raw]
    for f, a in facts:  # warm caches
        determine(f, a)
    best = best_raw = float("inf")
    inner = 10  # passes over the 69 cases per timing: ~700 calls, robust to scheduler noise
    for _ in range(3 * repeat):
        t0 = time.process_time()
        for _ in range(inner):
            for f, a in facts:
                det = determine(f, a)
        t1 = time.process_time()
        for d, a in raw:
            determine(d, a)
        t2 = time.process_time()
        assert det.trace
        best = min(best, (t1 - t0) / (inner * len(facts)))
        best_raw = min(best_raw, (t2 - t1) / len(raw))
    return best * 1e6, best_raw * 1e6


def bench_batch(n: int, repeat: int) -> tuple[float, float]:
    cols, as_of = generated_columns(n)
    # compile / load the cached kernel, and check it against determine() on the 69 cases
    rows = list(csv.DictReader(CASES.open(encoding="utf-8")))
    small = columns_from_facts([json.loads(r["facts"]) for r in rows])
    days = np.array([r["as_of_date"] for r in rows], dtype="datetime64[D]")
    assert evaluate_batch(small, days).result_codes() == [r["expected_outcome"] for r in rows]
    evaluate_batch(cols, as_of)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        res = evaluate_batch(cols, as_of)
        best = min(best, time.process_time() - t0)
    counts = np.bincount(res.result_code, minlength=5)
    print("result mix of the generated rows:", counts.tolist())
    return n / best, best


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    det_us, det_raw_us = bench_determine(args.repeat)
    print(f"determine() with trace, pre-validated Facts: {det_us:.1f} µs per call (goal < 100)")
    print(f"determine() from a dict (validation included): {det_raw_us:.1f} µs per call")
    per_s, secs = bench_batch(args.rows, args.repeat)
    print(
        f"evaluate_batch() on {args.rows:,} rows: {secs * 1e3:.1f} ms, "
        f"{per_s:,.0f} determinations/s on one core (goal >= 5,000,000)"
    )
    out = {
        "determine_us": round(det_us, 2),
        "determine_from_dict_us": round(det_raw_us, 2),
        "batch_per_s": round(per_s),
        "batch_rows": args.rows,
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
