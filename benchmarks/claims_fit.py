"""Fit of the Canada–US model per claim series x province (issue 13 item 2): sMAPE of each
compared series on 2017-01..2022-12 (the shipped calibration's window) and 2023-01..2024-12
(out of sample), read from a run directory of ``roxham run`` (its ``fit.parquet`` and
``validation.parquet``).

    python benchmarks/claims_fit.py [--run-dir DIR] [--seed 1] [--replicates 8]

Without ``--run-dir`` it runs ``roxham run historical --seed S -r R --no-report`` (the
shipped calibration, one posterior draw per replicate) into a temporary directory first.
Prints a Markdown table (models/canada_us/MODEL.md's); the last line is one JSON object
``{"command": ..., "wall_s": ..., "fit": {"series/geo": [smape_2017_22, smape_2023_24]}}``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl


def table(run_dir: Path) -> dict[str, list[float | None]]:
    """``{series/geography: [sMAPE 2017–22, sMAPE 2023–24]}`` (None: no official figure)."""
    fit = pl.read_parquet(run_dir / "fit.parquet")
    val = pl.read_parquet(run_dir / "validation.parquet")
    out: dict[str, list[float | None]] = {}
    rows: dict[str, dict[str, object]] = {}
    for which, df in ((0, fit), (1, val)):
        for r in df.iter_rows(named=True):
            key = f"{r['series']}/{r['geography']}"
            out.setdefault(key, [None, None])[which] = round(float(r["smape"]), 1)
            rows.setdefault(key, {})[f"n{which}"] = r["n"]
            rows[key][f"f{which}"] = r["frequency"]
    print("| series | geography | compared | n 2017–22 / 2023–24 | sMAPE 2017–22 | "
          "sMAPE 2023–24 |")
    print("|---|---|---|---|---|---|")
    for key, (a, b) in out.items():
        s, g = key.split("/")
        info = rows[key]
        freq = info.get("f0") or info.get("f1")
        n = f"{info.get('n0', 0)} / {info.get('n1', 0)}"
        fa = "–" if a is None else f"{a:.1f}"
        fb = "–" if b is None else f"{b:.1f}"
        print(f"| {s} | {g} | {freq} | {n} | {fa} | {fb} |")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run-dir", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--replicates", type=int, default=8)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    cmd = None
    run_dir = a.run_dir
    if run_dir is None:
        run_dir = Path(tempfile.mkdtemp()) / "run"
        cmd = ["roxham", "run", "historical", "--seed", str(a.seed), "-r", str(a.replicates),
               "-o", str(run_dir), "--no-report", "--json"]
        subprocess.run([sys.executable, "-m", "roxham", *cmd[1:]], check=True,
                       stdout=subprocess.DEVNULL)
    man = json.loads((run_dir / "manifest.json").read_text())
    fit = table(run_dir)
    shown = cmd or ["roxham", "run", "historical", "--seed", str(man.get("seed")), "-r",
                    str(man.get("replicates"))]
    print(json.dumps({"command": " ".join(shown[:7]), "run_dir": str(run_dir),
                      "calibration": (man.get("calibration") or {}).get("file"),
                      "wall_s": round(time.perf_counter() - t0, 1), "fit": fit}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
